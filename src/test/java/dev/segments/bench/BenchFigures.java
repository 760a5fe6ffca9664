package dev.segments.bench;

/** Everything one run measured; times in seconds unless the name says otherwise. */
record BenchFigures(
        BenchSettings settings,
        Machine machine,
        double generateUsersSeconds,
        long snapshotBytes,
        double readAllSeconds,
        SegmentShape shape,
        Compute firstCompute,
        Compute rightAfterFirstCompute,
        double vacuumSeconds,
        Compute steadyState,
        Compute steadyStateAfterChanges,
        Events events,
        Incremental drain,
        Incremental incremental,
        Incremental incrementalAfterEvents,
        Audit audit,
        EvaluatorBenchmark.Score evaluatorNanos,
        Estimates estimates,
        Export export) {

    record Machine(int cores, String java, String postgres, String sharedBuffers, String workMem, String tableSize) {
    }

    /** The generated rules: condition counts and how many reference other segments. */
    record SegmentShape(int segments, int minConditions, int maxConditions, double meanConditions, int composable) {
    }

    /**
     * A set of full-compute jobs: wall time from the request to the last job done, the sum of the
     * jobs' own durations in the database, and what they wrote.
     */
    record Compute(int jobs, double wallSeconds, double jobSeconds, long added, long removed, long members,
            int failed) {

        long changes() {
            return added + removed;
        }
    }

    record Events(long events, double seconds, long joined, long left, int clients, int perRequest,
            int latencyRequests, double p50Millis, double p99Millis) {

        double perSecond() {
            return events / seconds;
        }
    }

    record Incremental(long dirtyUsers, double seconds, long users, long added, long removed) {
    }

    /** Users re-derived; (user, segment) pairs where the evaluator or SQL disagreed with the table. */
    record Audit(int users, int segments, long evaluatorMismatches, long sqlMismatches) {
    }

    /**
     * Sampled estimates vs exact counts of the same rules (median of each answer's own
     * {@code elapsed_ms}), and how many reported 95% intervals held the exact size.
     */
    record Estimates(double percent, int timedRules, double sampleMillis, double exactMillis, int accuracyRules,
            int covered, double meanWidthShare) {

        double speedup() {
            return exactMillis / sampleMillis;
        }
    }

    /**
     * CSV exports of a segment holding every user to directory destinations, request to completed job:
     * {@code full} mode first (baseline written), again (nothing changed) and after 1% of the members
     * changed; the same in {@code diff} mode to a second destination. {@code copySeconds} is the same-run
     * baseline: a plain {@code COPY} of the members' ids, drained.
     */
    record Export(long members, double copySeconds, double fullFirstSeconds, double fullAgainSeconds,
            double fullChangedSeconds, double diffFirstSeconds, double diffAgainSeconds, double diffChangedSeconds,
            long bytes, long diffFirstLines, long diffAgainLines, long diffChangedLines, long diffChangedEntered,
            long diffChangedLeft, ExportHeap heap) {

        /** The slowest of the six, in seconds per 1M members. */
        double worstSecondsPerMillion() {
            double worst = Math.max(Math.max(fullFirstSeconds, fullAgainSeconds), Math.max(fullChangedSeconds,
                    Math.max(diffFirstSeconds, Math.max(diffAgainSeconds, diffChangedSeconds))));
            return worst * 1_000_000 / Math.max(1, members);
        }
    }

    /**
     * The heap held by first CSV exports (full, then diff) of {@code smallMembers} and of {@code largeMembers}
     * members: the peak of the heap used after forced full collections during each, minus before.
     */
    record ExportHeap(long smallMembers, long largeMembers, long smallFullBytes, long smallDiffBytes,
            long largeFullBytes, long largeDiffBytes, int samples) {

        /** The larger of full and diff at each size, large over small. */
        double ratio() {
            return (double) Math.max(largeFullBytes, largeDiffBytes) / Math.max(1, Math.max(smallFullBytes, smallDiffBytes));
        }

        /** What each member of the large export beyond the small one added, in bytes (negative: less). */
        double bytesPerExtraMember() {
            return (double) (Math.max(largeFullBytes, largeDiffBytes) - Math.max(smallFullBytes, smallDiffBytes))
                    / Math.max(1, largeMembers - smallMembers);
        }
    }
}
