package dev.segments.rule;

import static dev.segments.rule.RuleParserTest.assertRejectedAt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The depth limit (root is level 1) and the node limit (groups, conditions and references). */
class RuleLimitsTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A chain of NOT groups with a condition at the bottom, {@code levels} levels in all. */
    private static ObjectNode chain(int levels) {
        ObjectNode node = NODES.objectNode().put("attribute", "a").put("op", "is_null");
        for (int level = 1; level < levels; level++) {
            ObjectNode group = NODES.objectNode().put("operator", "NOT");
            group.putArray("conditions").add(node);
            node = group;
        }
        return node;
    }

    /** An AND group with {@code children} references: {@code children + 1} nodes. */
    private static ObjectNode wide(int children) {
        ObjectNode group = NODES.objectNode().put("operator", "AND");
        for (int i = 0; i < children; i++) {
            group.withArray("conditions").add(NODES.objectNode().put("segment", i + 1));
        }
        return group;
    }

    @Test
    void shouldAcceptThirtyTwoLevels() {
        assertEquals(1, RuleParser.parse(chain(32), "/rules").attributes().size());
    }

    @Test
    void shouldRejectTheNodeOnLevelThirtyThree() {
        assertRejectedAt(chain(33), "/rules" + "/conditions/0".repeat(32));
    }

    @Test
    void shouldAcceptAThousandNodes() {
        assertEquals(999, RuleParser.parse(wide(999), "/rules").references().size());
    }

    @Test
    void shouldRejectTheThousandAndFirstNodeOnlyOnce() {
        assertRejectedAt(wide(1000), "/rules/conditions/999");
        assertRejectedAt(wide(5000), "/rules/conditions/999");
    }
}
