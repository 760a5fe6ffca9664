package dev.segments.compute;

import java.util.List;
import java.util.Map;

/**
 * What the single read found: jobs whose segment is already exact (job id → member count) and jobs
 * that must write changes, in dependency order.
 */
record SweepOutcome(Map<Long, Long> unchanged, List<Long> changed) {
}
