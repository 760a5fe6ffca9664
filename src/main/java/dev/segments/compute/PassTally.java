package dev.segments.compute;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of one dirty-user pass ({@link IncrementalPass}): its job row per segment, the joins
 * and leaves per segment, the users evaluated, and the time each step of its batches took, for the
 * debug log.
 */
final class PassTally {

    /** The steps of a batch, timed for the debug log. */
    enum Phase { JOBS, LOCKS, CLAIM_AND_EVALUATE, WRITE }

    final Map<Long, Long> jobs = new LinkedHashMap<>();
    final Map<Long, long[]> counts = new LinkedHashMap<>();
    final long[] phaseNanos = new long[Phase.values().length];
    /** Time spent evaluating, summed over the threads that did it. */
    final AtomicLong evaluateNanos = new AtomicLong();
    /** Per batch, the time from sending the first claim until the last one arrived, summed over batches. */
    long claimNanos;
    long batchClaimNanos;
    long phaseStart;
    long users;

    /** A claimed slice arrived (on the connection's event loop, so one thread at a time). */
    void claimArrived(long sentAt) {
        batchClaimNanos = System.nanoTime() - sentAt;
    }

    /** Ends the timing of {@code phase} (none: starts timing a batch). */
    void phase(Phase phase) {
        long now = System.nanoTime();
        if (phase != null) {
            phaseNanos[phase.ordinal()] += now - phaseStart;
        }
        if (phase == Phase.CLAIM_AND_EVALUATE) {
            claimNanos += batchClaimNanos;
            batchClaimNanos = 0;
        }
        phaseStart = now;
    }

    String phases() {
        StringBuilder text = new StringBuilder();
        for (Phase phase : Phase.values()) {
            text.append(text.isEmpty() ? "" : ", ").append(phase.name().toLowerCase(Locale.ROOT))
                    .append(String.format(Locale.ROOT, " %.1f ms", phaseNanos[phase.ordinal()] / 1e6));
        }
        return text.append(String.format(Locale.ROOT, " (claims done after %.1f ms; evaluation %.1f ms summed over threads)",
                claimNanos / 1e6, evaluateNanos.get() / 1e6)).toString();
    }

    void add(long segmentId, boolean join) {
        counts.computeIfAbsent(segmentId, k -> new long[2])[join ? 0 : 1]++;
    }

    long added() {
        return counts.values().stream().mapToLong(c -> c[0]).sum();
    }

    long removed() {
        return counts.values().stream().mapToLong(c -> c[1]).sum();
    }
}
