package dev.segments.rule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes a rule tree in its canonical wire form. */
final class RuleWriter implements RuleNode.Visitor<ObjectNode> {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final RuleWriter INSTANCE = new RuleWriter();

    private RuleWriter() {}

    static ObjectNode write(RuleNode node) {
        return node.accept(INSTANCE);
    }

    @Override
    public ObjectNode group(Group group) {
        ObjectNode json = NODES.objectNode();
        json.put(RuleParser.OPERATOR, group.logic().name());
        ArrayNode children = json.putArray(RuleParser.CONDITIONS);
        group.children().forEach(child -> children.add(child.accept(this)));
        return json;
    }

    @Override
    public ObjectNode condition(Condition condition) {
        ObjectNode json = NODES.objectNode();
        json.put(RuleParser.ATTRIBUTE, condition.attribute());
        json.put(RuleParser.OP, condition.op().wire());
        if (condition.value() != null) {
            json.set(RuleParser.VALUE, condition.value().toJson());
        }
        return json;
    }

    @Override
    public ObjectNode segmentRef(SegmentRef ref) {
        ObjectNode json = NODES.objectNode();
        json.put(RuleParser.SEGMENT, ref.segmentId());
        return json;
    }
}
