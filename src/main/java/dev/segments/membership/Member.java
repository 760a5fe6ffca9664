package dev.segments.membership;

import java.time.Instant;

/** A current member of a segment. */
public record Member(long userId, Instant addedAt) {
}
