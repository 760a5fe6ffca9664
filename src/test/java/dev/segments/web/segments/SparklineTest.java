package dev.segments.web.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SparklineTest {

    @Test
    void shouldSpanTheBoxFromOldestToNewestWithTheLargestCountOnTop() {
        Sparkline line = Sparkline.of(List.of(10L, 30L, 20L));
        assertEquals("2.0,22.0 50.0,2.0 98.0,12.0", line.points());
        assertEquals("Member count over the last 3 computes: 10 → 30 → 20", line.summary());
        assertTrue(line.drawable());
    }

    @Test
    void shouldDrawAFlatLineForOneOrEqualCounts() {
        assertEquals("2.0,22.0 98.0,22.0", Sparkline.of(List.of(1_234L)).points());
        assertEquals("2.0,22.0 98.0,22.0", Sparkline.of(List.of(5L, 5L)).points());
        assertTrue(Sparkline.of(List.of(1_234L)).summary().endsWith("1,234"));
    }

    @Test
    void shouldNotDrawWithoutACompletedCompute() {
        assertFalse(Sparkline.of(List.of()).drawable());
    }
}
