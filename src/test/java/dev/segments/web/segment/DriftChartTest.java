package dev.segments.web.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.drift.DriftPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftChartTest {

    private static final Instant TO = Instant.parse("2026-03-31T00:00:00Z");
    private static final Instant FROM = TO.minus(Duration.ofDays(30));

    private static DriftPoint point(long id, Instant at, long count, long added, long removed) {
        return new DriftPoint(id, at, "full", "manual", count, added, removed);
    }

    @Test
    void shouldScaleTimeToWidthAndCountToTheLineBand() {
        var chart = DriftChart.of(List.of(point(1, FROM, 0, 0, 0), point(2, FROM.plus(Duration.ofDays(15)), 50, 50, 0),
                point(3, TO, 100, 60, 10)), FROM, TO, 600, 200);
        var dots = chart.dots();
        assertEquals(DriftChart.LEFT, dots.get(0).x(), 0.01);
        assertEquals(600 - DriftChart.RIGHT, dots.get(2).x(), 0.01);
        assertEquals((DriftChart.LEFT + 600 - DriftChart.RIGHT) / 2.0, dots.get(1).x(), 0.1);
        assertEquals(chart.lineBottom(), dots.get(0).y(), 0.1);
        assertEquals(DriftChart.TOP, dots.get(2).y(), 0.1);
        assertEquals(3, chart.line().split(" ").length);
        assertEquals("100", chart.yTicks().get(2).label());
        assertEquals(5, chart.xTicks().size());
        assertEquals("2026-03-01", chart.xTicks().get(0).label());
        assertEquals("start", chart.xTicks().get(0).anchor());
        assertEquals("end", chart.xTicks().get(4).anchor());
    }

    @Test
    void shouldDrawJoinsUpAndLeavesDownFromTheBaseline() {
        var chart = DriftChart.of(List.of(point(1, FROM.plus(Duration.ofDays(1)), 90, 100, 0),
                point(2, FROM.plus(Duration.ofDays(2)), 40, 0, 50)), FROM, TO, 600, 200);
        assertEquals(2, chart.bars().size());
        var up = chart.bars().get(0);
        var down = chart.bars().get(1);
        assertTrue(up.added());
        assertFalse(down.added());
        assertEquals(chart.barBaseline(), up.y() + up.height(), 0.2);
        assertEquals(chart.barBaseline(), down.y(), 0.01);
        assertEquals(up.height() / 2, down.height(), 0.2);
        assertTrue(up.y() > chart.lineBottom());
    }

    @Test
    void shouldBeEmptyWithoutHistory() {
        var chart = DriftChart.of(List.of(), FROM, TO, 600, 200);
        assertTrue(chart.isEmpty());
        assertEquals("", chart.line());
        assertTrue(chart.bars().isEmpty());
        assertEquals(5, chart.xTicks().size());
    }

    @Test
    void shouldPlaceOnePointWithoutAStartTime() {
        var chart = DriftChart.of(List.of(point(1, TO, 7, 7, 0)), null, TO, 600, 200);
        assertEquals(1, chart.dots().size());
        assertTrue(Double.isFinite(chart.dots().get(0).x()));
        assertTrue(chart.dots().get(0).x() >= DriftChart.LEFT && chart.dots().get(0).x() <= 600 - DriftChart.RIGHT);
        assertEquals("10", chart.yTicks().get(2).label());
    }

    @Test
    void shouldDrawAFlatLineWhenAllCountsAreEqual() {
        var chart = DriftChart.of(List.of(point(1, FROM.plus(Duration.ofDays(1)), 500, 0, 0),
                point(2, FROM.plus(Duration.ofDays(2)), 500, 0, 0), point(3, FROM.plus(Duration.ofDays(3)), 500, 0, 0)),
                FROM, TO, 600, 200);
        double y = chart.dots().get(0).y();
        chart.dots().forEach(d -> assertEquals(y, d.y(), 0.001));
        assertTrue(y >= DriftChart.TOP && y <= chart.lineBottom());
        assertTrue(chart.bars().isEmpty());
    }

    @Test
    void shouldRoundTheScaleUpToANiceNumber() {
        assertEquals(1, DriftChart.niceCeiling(1));
        assertEquals(10, DriftChart.niceCeiling(7));
        assertEquals(250, DriftChart.niceCeiling(201));
        assertEquals(100_000, DriftChart.niceCeiling(100_000));
        assertEquals(200_000, DriftChart.niceCeiling(100_001));
    }
}
