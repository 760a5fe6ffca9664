package dev.segments.export;

import java.time.Instant;

/** A segment pushed to a destination after each of its completed computes. */
public record Subscription(long segmentId, long destinationId, String format, String mode, Instant createdAt) {
}
