package dev.segments.compute;

import java.time.Instant;

/** A compute job as the API shows it. */
public record JobView(long id, long segmentId, String triggeredBy, String kind, String status, Instant startedAt,
        Instant completedAt, Long usersEvaluated, Long addedCount, Long removedCount, Long memberCount, String error) {
}
