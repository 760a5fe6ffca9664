package dev.segments.drift;

import java.time.Instant;

/** One completed compute job of a segment: the member count it left and what it changed. */
public record DriftPoint(long jobId, Instant completedAt, String kind, String triggeredBy, long memberCount, long added,
        long removed) {
}
