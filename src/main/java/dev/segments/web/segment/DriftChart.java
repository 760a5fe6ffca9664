package dev.segments.web.segment;

import dev.segments.drift.DriftPoint;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry of the drift chart, computed once on the server: the member-count line over time in
 * the upper band, joins (up) and leaves (down) per compute as bars in the lower band, and the axis
 * labels. Coordinates are SVG user units of a {@code width × height} view box.
 */
public record DriftChart(int width, int height, String line, List<Dot> dots, List<Bar> bars, List<Tick> xTicks,
        List<Tick> yTicks, double barBaseline, Instant from, Instant to) {

    /** Space for the axis labels. */
    static final int LEFT = 64;
    static final int RIGHT = 12;
    static final int TOP = 10;
    static final int BOTTOM = 24;
    /** Share of the plot height given to the member-count line; the rest holds the bars. */
    static final double LINE_SHARE = 0.72;

    /** A compute on the line; {@code point} carries the tooltip data. */
    public record Dot(double x, double y, DriftPoint point) {
    }

    /** A bar: {@code added} true for joins (green, up), false for leaves (red, down). */
    public record Bar(double x, double y, double width, double height, boolean added) {
    }

    /** An axis label; {@code anchor} is the SVG text-anchor that keeps it inside the view box. */
    public record Tick(double x, double y, String label, String anchor) {
    }

    public boolean isEmpty() {
        return dots.isEmpty();
    }

    public double plotLeft() {
        return LEFT;
    }

    public double plotRight() {
        return width - RIGHT;
    }

    public double lineBottom() {
        return TOP + (height - TOP - BOTTOM) * LINE_SHARE;
    }

    /**
     * Lays out the points (in time order) over {@code [from, to]}; a {@code null} {@code from} starts
     * at the first point.
     */
    public static DriftChart of(List<DriftPoint> points, Instant from, Instant to, int width, int height) {
        Instant start = from != null ? from : points.isEmpty() ? to.minus(Duration.ofDays(1)) : points.get(0).completedAt();
        if (!start.isBefore(to)) {
            start = to.minus(Duration.ofHours(1));
        }
        double plotWidth = width - LEFT - RIGHT;
        double lineTop = TOP;
        double lineBottom = TOP + (height - TOP - BOTTOM) * LINE_SHARE;
        double barTop = lineBottom + 6;
        double barBottom = height - BOTTOM;
        double baseline = (barTop + barBottom) / 2;
        double barHalf = (barBottom - barTop) / 2;

        long maxCount = Math.max(1, points.stream().mapToLong(DriftPoint::memberCount).max().orElse(0));
        long top = niceCeiling(maxCount);
        long maxChange = Math.max(1, points.stream().mapToLong(p -> Math.max(p.added(), p.removed())).max().orElse(0));
        double span = Duration.between(start, to).toMillis();
        double barWidth = Math.max(1, Math.min(8, plotWidth / Math.max(1, points.size()) * 0.6));

        List<Dot> dots = new ArrayList<>(points.size());
        List<Bar> bars = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (DriftPoint p : points) {
            double x = LEFT + plotWidth * clamp(Duration.between(start, p.completedAt()).toMillis() / span);
            double y = lineBottom - (lineBottom - lineTop) * p.memberCount() / top;
            dots.add(new Dot(round(x), round(y), p));
            line.append(line.isEmpty() ? "" : " ").append(round(x)).append(',').append(round(y));
            if (p.added() > 0) {
                double h = Math.max(1, barHalf * p.added() / maxChange);
                bars.add(new Bar(round(x - barWidth / 2), round(baseline - h), round(barWidth), round(h), true));
            }
            if (p.removed() > 0) {
                double h = Math.max(1, barHalf * p.removed() / maxChange);
                bars.add(new Bar(round(x - barWidth / 2), round(baseline), round(barWidth), round(h), false));
            }
        }
        List<Tick> yTicks = List.of(new Tick(LEFT - 6, round(lineBottom), "0", "end"),
                new Tick(LEFT - 6, round((lineTop + lineBottom) / 2), grouped(top / 2), "end"),
                new Tick(LEFT - 6, round(lineTop), grouped(top), "end"));
        DateTimeFormatter format = DateTimeFormatter.ofPattern(
                Duration.between(start, to).toHours() <= 48 ? "MM-dd HH:mm" : "yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
        List<Tick> xTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            Instant at = start.plusMillis((long) (span * i / 4));
            xTicks.add(new Tick(round(LEFT + plotWidth * i / 4), height - 6, format.format(at),
                    i == 0 ? "start" : i == 4 ? "end" : "middle"));
        }
        return new DriftChart(width, height, line.toString(), List.copyOf(dots), List.copyOf(bars), List.copyOf(xTicks),
                yTicks, round(baseline), start, to);
    }

    /** The smallest of 1, 2, 2.5 or 5 × 10^k that is at least {@code value}. */
    static long niceCeiling(long value) {
        long magnitude = 1;
        while (magnitude * 10 <= value) {
            magnitude *= 10;
        }
        for (long step : new long[] {10, 20, 25, 50, 100}) {
            long candidate = magnitude * step / 10;
            if (candidate >= value && candidate > 0) {
                return candidate;
            }
        }
        return magnitude * 10;
    }

    private static double clamp(double fraction) {
        return Double.isNaN(fraction) ? 0.5 : Math.max(0, Math.min(1, fraction));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
