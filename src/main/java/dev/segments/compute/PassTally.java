package dev.segments.compute;

import dev.segments.membership.MembershipChange;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of one dirty-user pass ({@link IncrementalPass}): its job row per segment, the joins
 * and leaves per segment, the users evaluated, and the time each step of its batches took, for the
 * debug log. Evaluations add to it from worker threads, batches from the event loop.
 */
final class PassTally {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The steps of a batch, timed for the debug log (summed over batches). */
    enum Phase { JOBS, LOCKS, CLAIM_AND_EVALUATE, WRITE }

    /** The segments the pass evaluates (those of the catalog when it began), in dependency order. */
    final Set<Long> segments;
    /** Job row per segment the pass changed, added by the batch that first changed it (batches run one at a time). */
    final Map<Long, Long> jobs = new LinkedHashMap<>();
    private final Map<Long, long[]> counts = new LinkedHashMap<>();
    private final long[] phaseNanos = new long[Phase.values().length];
    /** CPU time spent evaluating, summed over the threads that did it. */
    private final AtomicLong evaluateNanos = new AtomicLong();
    /** Per batch, the time from sending the first claim until the last one arrived, summed over batches. */
    private long claimNanos;
    private long users;

    /** Times the steps of one batch (or of the job rows); used by one thread at a time. */
    final class Timer {
        private long start = System.nanoTime();
        private long claimsSent;
        private long claimsDone;

        /** Ends the timing of {@code phase}; the next phase starts now. */
        void end(Phase phase) {
            long now = System.nanoTime();
            synchronized (PassTally.this) {
                phaseNanos[phase.ordinal()] += now - start;
                if (phase == Phase.CLAIM_AND_EVALUATE) {
                    claimNanos += claimsDone;
                }
            }
            start = now;
        }

        void claimsSent() {
            claimsSent = System.nanoTime();
        }

        /** A claimed slice arrived (on the connection's event loop). */
        void claimArrived() {
            claimsDone = System.nanoTime() - claimsSent;
        }
    }

    /** Why the pass runs, and when it began (the database's time): its job rows record both. */
    final Trigger trigger;
    final OffsetDateTime startedAt;

    PassTally(List<Long> segments, Trigger trigger, OffsetDateTime startedAt) {
        this.segments = new LinkedHashSet<>(segments);
        this.trigger = trigger;
        this.startedAt = startedAt;
    }

    /** The segments among {@code changed} that have no job row yet, in the pass's order. */
    synchronized List<Long> withoutJob(Set<Long> changed) {
        return segments.stream().filter(segment -> changed.contains(segment) && !jobs.containsKey(segment)).toList();
    }

    synchronized void addJobs(Map<Long, Long> started) {
        jobs.putAll(started);
    }

    synchronized long job(long segment) {
        return jobs.get(segment);
    }

    synchronized List<Long> jobIds() {
        return List.copyOf(jobs.values());
    }

    Timer timer() {
        return new Timer();
    }

    /** Runs {@code evaluation} on this thread, adding the CPU time it took. */
    <T> T evaluating(java.util.function.Supplier<T> evaluation) {
        long began = THREADS.getCurrentThreadCpuTime();
        try {
            return evaluation.get();
        } finally {
            evaluateNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - began);
        }
    }

    synchronized void add(int batchUsers, List<MembershipChange> changes) {
        users += batchUsers;
        for (MembershipChange change : changes) {
            counts.computeIfAbsent(change.segmentId(), k -> new long[2])[change.join() ? 0 : 1]++;
        }
    }

    synchronized long users() {
        return users;
    }

    /** Joins and leaves per job row, every job of the pass included. */
    synchronized Map<Long, long[]> changesByJob() {
        Map<Long, long[]> changes = new LinkedHashMap<>();
        jobs.forEach((segment, job) -> changes.put(job, counts.getOrDefault(segment, new long[2]).clone()));
        return changes;
    }

    synchronized long added() {
        return counts.values().stream().mapToLong(c -> c[0]).sum();
    }

    synchronized long removed() {
        return counts.values().stream().mapToLong(c -> c[1]).sum();
    }

    synchronized String phases() {
        StringBuilder text = new StringBuilder();
        for (Phase phase : Phase.values()) {
            text.append(text.isEmpty() ? "" : ", ").append(phase.name().toLowerCase(Locale.ROOT))
                    .append(String.format(Locale.ROOT, " %.1f ms", phaseNanos[phase.ordinal()] / 1e6));
        }
        return text.append(String.format(Locale.ROOT, " (claims done after %.1f ms; evaluation %.1f ms of CPU)",
                claimNanos / 1e6, evaluateNanos.get() / 1e6)).toString();
    }
}
