package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Parses and validates the wire form of a rule (see RULES.md). Every problem is collected, each
 * with the JSON Pointer of the offending node or member; a rule with any problem is rejected with a
 * {@link RuleException} listing all of them.
 *
 * <p>Limits: the root node is at level 1 and a group's children are one level below it; no node may
 * sit below level {@value #MAX_DEPTH}. Every group, condition and segment reference counts as one
 * node; a rule may have at most {@value #MAX_NODES}. Parsing stops at the node that exceeds the
 * node limit. Attribute names have 1 to {@value #MAX_ATTRIBUTE_LENGTH} code points. Strings must
 * not contain U+0000 or unpaired surrogates; numbers must be finite doubles; a member that is
 * required but missing is reported at the pointer where it should be.
 */
public final class RuleParser {
    public static final int MAX_DEPTH = 32;
    public static final int MAX_NODES = 1000;
    public static final int MAX_ATTRIBUTE_LENGTH = 256;

    static final String OPERATOR = "operator";
    static final String CONDITIONS = "conditions";
    static final String ATTRIBUTE = "attribute";
    static final String OP = "op";
    static final String VALUE = "value";
    static final String SEGMENT = "segment";

    private static final String OPERATOR_NAMES =
            Arrays.stream(Operator.values()).map(Operator::wire).collect(Collectors.joining(", "));

    private final Problems problems = new Problems();
    private int nodes;

    private RuleParser() {}

    /**
     * Parses {@code json}, which sits at {@code pointer} in the request (e.g. {@code "/rules"}, or
     * {@code ""} for a whole document).
     *
     * @throws RuleException listing every problem when the rule is not valid
     */
    public static Rule parse(JsonNode json, String pointer) throws RuleException {
        RuleParser parser = new RuleParser();
        RuleNode root = parser.node(json, pointer, 1);
        if (!parser.problems.isEmpty() || root == null) {
            throw new RuleException(parser.problems.errors());
        }
        return new Rule(root);
    }

    private RuleNode node(JsonNode json, String pointer, int level) {
        if (++nodes > MAX_NODES) {
            problems.add(pointer, "a rule may have at most " + MAX_NODES + " nodes");
            return null;
        }
        if (level > MAX_DEPTH) {
            problems.add(pointer, "a rule may be at most " + MAX_DEPTH + " levels deep");
            return null;
        }
        if (json == null || !json.isObject()) {
            problems.add(pointer, "node must be an object: a group, a condition or a segment reference");
            return null;
        }
        NodeKind kind = NodeKind.classify(json, pointer, problems);
        if (kind == null) {
            return null;
        }
        switch (kind) {
            case GROUP:
                return group(json, pointer, level);
            case CONDITION:
                return condition(json, pointer);
            default:
                return segmentRef(json, pointer);
        }
    }

    private boolean exceeded() {
        return nodes > MAX_NODES;
    }

    private RuleNode group(JsonNode json, String pointer, int level) {
        Logic logic = logic(json.get(OPERATOR), Problems.child(pointer, OPERATOR));
        JsonNode conditions = json.get(CONDITIONS);
        String conditionsPointer = Problems.child(pointer, CONDITIONS);
        if (conditions == null || !conditions.isArray()) {
            problems.add(conditionsPointer, conditions == null
                    ? "missing \"conditions\"" : "\"conditions\" must be an array of nodes");
            return null;
        }
        List<RuleNode> children = new ArrayList<>(conditions.size());
        for (int i = 0; i < conditions.size() && !exceeded(); i++) {
            children.add(node(conditions.get(i), Problems.child(conditionsPointer, i), level + 1));
        }
        if (logic == Logic.NOT && conditions.size() != 1) {
            problems.add(pointer, "NOT needs exactly one condition, found " + conditions.size());
            return null;
        }
        return logic == null || children.contains(null) || exceeded() ? null : new Group(logic, children);
    }

    private Logic logic(JsonNode json, String pointer) {
        if (json == null) {
            problems.add(pointer, "missing \"operator\"");
            return null;
        }
        Logic logic = json.isTextual() ? Logic.fromWire(json.textValue()).orElse(null) : null;
        if (logic == null) {
            problems.add(pointer, "unknown operator " + json + "; expected \"AND\", \"OR\" or \"NOT\"");
        }
        return logic;
    }

    private RuleNode condition(JsonNode json, String pointer) {
        String attribute = attribute(json.get(ATTRIBUTE), Problems.child(pointer, ATTRIBUTE));
        Operator op = operator(json.get(OP), Problems.child(pointer, OP));
        if (op == null) {
            return null;
        }
        JsonNode valueJson = json.get(VALUE);
        String valuePointer = Problems.child(pointer, VALUE);
        RuleValue value = null;
        if (valueJson != null) {
            value = op.shape().read(valueJson, valuePointer, problems);
        } else if (op.shape() != ValueShape.NONE) {
            problems.add(valuePointer, "missing \"value\" for op \"" + op.wire() + "\"");
        }
        return attribute == null || !op.shape().accepts(value) ? null : new Condition(attribute, op, value);
    }

    private String attribute(JsonNode json, String pointer) {
        if (json == null || !json.isTextual()) {
            problems.add(pointer, json == null ? "missing \"attribute\"" : "attribute must be a string");
            return null;
        }
        String name = json.textValue();
        int length = name.codePointCount(0, name.length());
        if (length == 0 || length > MAX_ATTRIBUTE_LENGTH) {
            problems.add(pointer, "attribute name must have 1 to " + MAX_ATTRIBUTE_LENGTH
                    + " characters, has " + length);
            return null;
        }
        return Texts.checkStorable(name, pointer, problems) ? name : null;
    }

    private Operator operator(JsonNode json, String pointer) {
        if (json == null) {
            problems.add(pointer, "missing \"op\"");
            return null;
        }
        Operator op = json.isTextual() ? Operator.fromWire(json.textValue()).orElse(null) : null;
        if (op == null) {
            problems.add(pointer, "unknown op " + json + "; expected one of " + OPERATOR_NAMES);
        }
        return op;
    }

    private RuleNode segmentRef(JsonNode json, String pointer) {
        JsonNode id = json.get(SEGMENT);
        if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() <= 0) {
            problems.add(Problems.child(pointer, SEGMENT), "segment must be a positive integer id");
            return null;
        }
        return new SegmentRef(id.longValue(), pointer);
    }
}
