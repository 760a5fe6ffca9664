package dev.segments.drift;

import java.time.Instant;

/**
 * A tripped drift alert. {@code status} is {@code open} until acknowledged; {@code ongoing} says whether
 * its condition still holds (a condition that holds over many computes keeps one alert).
 */
public record Alert(long id, long segmentId, String kind, String status, boolean ongoing, Long jobId,
        Long previousCount, Long memberCount, String detail, Instant openedAt, Instant clearedAt,
        Instant acknowledgedAt, Long destinationId, Instant notifiedAt) {
}
