package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One attribute change for one user, named by the customer's user id: merged into the snapshot (a key
 * set to null is removed) or, when {@code replace}, replacing it whole. {@code occurredAtMicros} orders
 * changes per attribute. When {@code idempotent}, {@code eventId} is an idempotency key: a change whose
 * (user, event id) was applied before is skipped (a retried delivery, a replayed message).
 */
public record AttributeChange(String userId, ObjectNode attributes, long occurredAtMicros, boolean replace,
        String eventId, boolean idempotent) {
}
