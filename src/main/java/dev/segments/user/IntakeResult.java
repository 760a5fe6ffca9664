package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/** What applying a batch of attribute changes did; per user, the final attributes and segments. */
public record IntakeResult(int processed, int joined, int left, Map<Long, ObjectNode> attributes,
        Map<Long, Set<Long>> segments) {
}
