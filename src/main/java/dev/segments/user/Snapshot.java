package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A user's current attributes and, per attribute (removed ones included), the time of the change
 * applied last, in epoch microseconds.
 */
public record Snapshot(long userId, ObjectNode attributes, ObjectNode times) {
}
