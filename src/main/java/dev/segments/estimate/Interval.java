package dev.segments.estimate;

/**
 * A segment size extrapolated from a simple random sample: the matching share of the sample times
 * the population, with a 95% Wilson score interval. Wilson stays sensible when the sample matched
 * no one or nearly everyone (the plain normal interval collapses to a point there). A sample that is
 * a large part of the population varies less, so the finite population correction shrinks the
 * interval, down to a point when the sample is everyone.
 *
 * <p>The bounds are also limited by what the sample proves: at least {@code matches} users match,
 * and at least {@code sampleSize - matches} do not.
 */
public record Interval(long estimate, long low, long high) {

    /** The 97.5% quantile of the standard normal distribution. */
    static final double Z = 1.959963984540054;

    public static Interval exact(long count) {
        return new Interval(count, count, count);
    }

    public static Interval of(long matches, long sampleSize, long population) {
        if (matches < 0 || matches > sampleSize || sampleSize > population) {
            throw new IllegalArgumentException("matches " + matches + " of a sample of " + sampleSize
                    + " from " + population + " users");
        }
        if (sampleSize == 0) {
            return new Interval(0, 0, population);
        }
        if (sampleSize == population) {
            return exact(matches);
        }
        double n = sampleSize / ((population - (double) sampleSize) / (population - 1.0));
        double share = (double) matches / sampleSize;
        double z2 = Z * Z;
        double scale = 1 + z2 / n;
        double center = (share + z2 / (2 * n)) / scale;
        double half = Z / scale * Math.sqrt(share * (1 - share) / n + z2 / (4 * n * n));
        long low = Math.max(matches, (long) Math.floor((center - half) * population));
        long high = Math.min(population - (sampleSize - matches), (long) Math.ceil((center + half) * population));
        long estimate = Math.max(low, Math.min(high, Math.round(share * population)));
        return new Interval(estimate, low, high);
    }

    public boolean contains(long count) {
        return low <= count && count <= high;
    }
}
