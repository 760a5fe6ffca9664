package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * What applying a batch of attribute changes did: changes applied, skipped as already applied (a
 * repeated idempotency key), joins and leaves written; per user (by the customer's id) whose changes
 * were applied, the final attributes and segments.
 */
public record IntakeResult(int processed, int duplicates, int joined, int left, Map<String, ObjectNode> attributes,
        Map<String, Set<Long>> segments) {
}
