package dev.segments.estimate;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The answer of an estimate (API.md): the estimated size with its 95% interval, the sample it came
 * from, the population it was extrapolated to, and how it was made. {@code method} is
 * {@code sample} or {@code exact} (then the interval is the count itself and the sample is
 * everyone, {@code sample_percent} 100). {@code nodes}, when asked for, has the same figures for
 * every group and condition, keyed by JSON Pointer.
 */
public record Estimate(long estimate, long ci95Low, long ci95High, long sampleSize, long sampleMatches,
        long population, double samplePercent, String method, double elapsedMs, boolean cached,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Node> nodes) {

    /** The figures of one node of the rule. */
    public record Node(long estimate, long ci95Low, long ci95High, long sampleMatches) {
    }

    Estimate answered(long startNanos, boolean fromCache) {
        double elapsed = Math.round((System.nanoTime() - startNanos) / 1e4) / 100.0;
        return new Estimate(estimate, ci95Low, ci95High, sampleSize, sampleMatches, population, samplePercent, method,
                elapsed, fromCache, nodes);
    }
}
