package dev.segments.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IntervalTest {

    @Test
    void shouldGiveAUsefulIntervalWhenTheSampleMatchedNoOne() {
        Interval interval = Interval.of(0, 10_000, 1_000_000);
        assertEquals(0, interval.estimate());
        assertEquals(0, interval.low());
        // Wilson: about 3.84 / n of the population, not the 0..0 of the normal approximation
        assertTrue(interval.high() > 0 && interval.high() < 500, interval.toString());
    }

    @Test
    void shouldNeverGoBelowTheMatchesSeenOrAboveTheNonMatchesSeen() {
        Interval interval = Interval.of(3, 4, 10);
        assertTrue(interval.low() >= 3, interval.toString());
        assertTrue(interval.high() <= 10 - 1, interval.toString());
        assertTrue(interval.contains(interval.estimate()));
    }

    @Test
    void shouldBeAPointWhenTheSampleIsEveryone() {
        assertEquals(new Interval(42, 42, 42), Interval.of(42, 100, 100));
    }

    @Test
    void shouldNarrowAsTheSampleBecomesMostOfThePopulation() {
        Interval small = Interval.of(100, 1_000, 100_000);
        Interval large = Interval.of(9_000, 90_000, 100_000);
        assertTrue(large.high() - large.low() < (small.high() - small.low()) / 5, small + " vs " + large);
    }

    @Test
    void shouldRejectImpossibleCounts() {
        assertThrows(IllegalArgumentException.class, () -> Interval.of(5, 4, 10));
        assertThrows(IllegalArgumentException.class, () -> Interval.of(1, 20, 10));
    }

    /** Simulated Bernoulli samples of a known population: the interval holds the truth about 95% of the time. */
    @Test
    void shouldCoverTheTrueCountInAboutNinetyFivePercentOfSamples() {
        Random random = new Random(7);
        int population = 50_000;
        int covered = 0;
        int runs = 2_000;
        for (int run = 0; run < runs; run++) {
            double share = run % 4 == 0 ? 0.002 : random.nextDouble();
            int truth = (int) Math.round(share * population);
            int sample = 0;
            int matches = 0;
            for (int user = 0; user < population; user++) {
                if (random.nextDouble() < 0.01) {
                    sample++;
                    matches += user < truth ? 1 : 0;
                }
            }
            covered += Interval.of(matches, sample, population).contains(truth) ? 1 : 0;
        }
        // expected about 1,900; the bound is far below any plausible run of a correct 95% interval
        assertTrue(covered >= runs * 0.93, covered + " of " + runs);
    }

    /**
     * Rare segments, where the plain Wilson interval under-covers (1 to 5 expected matches): the exact
     * binomial probability that the interval holds the truth, summed over every possible sample, is at
     * least 95% (plain Wilson: 90.5% at 0.1 and 92.0% at 1 expected match).
     */
    @Test
    void shouldCoverRareSegmentsAtLeastNinetyFivePercentOfTheTime() {
        int population = 1_000_000;
        int sample = 10_000;
        for (double expected : new double[] {0.1, 0.5, 1, 1.5, 2, 4, 10, 50, 200}) {
            int truth = (int) Math.round(expected * population / sample);
            double p = (double) truth / population;
            double coverage = 0;
            double pmf = Math.pow(1 - p, sample); // P(0 matches)
            for (int m = 0; m <= 2_000 && m <= sample; m++) {
                if (m > 0) {
                    pmf *= (sample - m + 1) / (double) m * p / (1 - p);
                }
                coverage += Interval.of(m, sample, population).contains(truth) ? pmf : 0;
            }
            assertTrue(coverage >= 0.95, "coverage " + coverage + " at " + expected + " expected matches");
        }
    }
}
