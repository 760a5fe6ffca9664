package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One attribute change for one user: merged into the snapshot (a key set to null is removed) or,
 * when {@code replace}, replacing it whole. {@code occurredAtMicros} orders changes per attribute.
 */
public record AttributeChange(long userId, ObjectNode attributes, long occurredAtMicros, boolean replace, String eventId) {
}
