package dev.segments.membership;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * A current member of a segment: {@code userId} is the id as the customer knows it, {@code key} the
 * engine's internal id (the order of member pages and their cursors; not part of any answer).
 */
public record Member(@JsonIgnore long key, String userId, Instant addedAt) {
}
