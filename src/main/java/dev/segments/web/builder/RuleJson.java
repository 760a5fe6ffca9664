package dev.segments.web.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the builder's tree into the rule JSON of RULES.md and back. A negated group is written as
 * {@code {"operator":"NOT","conditions":[group]}}. Typed values follow the attribute's type from the
 * catalog: a number attribute's value is written as a JSON number when it reads as one, a boolean's
 * as true/false, everything else as a string; an empty value is left out, so the rule validation
 * names it. {@link #pointers()} maps each node's path to its JSON Pointer under {@code /rules}, so
 * that the API's errors and per-node counts can be shown at the node they belong to.
 */
final class RuleJson {

    static final String PREFIX = "/rules";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final double EXACT_INTEGERS = 9_007_199_254_740_992d;

    private final Map<String, String> types;
    private final Map<String, String> pointers = new LinkedHashMap<>();
    private final ObjectNode json;

    private RuleJson(BuilderTree tree, Map<String, String> types) {
        this.types = types;
        this.json = write(BuilderTree.ROOT, tree.root(), PREFIX);
    }

    static RuleJson of(BuilderTree tree, Map<String, String> types) {
        return new RuleJson(tree, types);
    }

    ObjectNode json() {
        return json;
    }

    /** Node path → JSON Pointer of the node in the request body (e.g. {@code r-1 → /rules/conditions/1}). */
    Map<String, String> pointers() {
        return pointers;
    }

    /** The path of the node an error pointer belongs to: the node with the longest pointer that prefixes it. */
    String pathOf(String errorPointer) {
        String best = null;
        int bestLength = -1;
        for (Map.Entry<String, String> entry : pointers.entrySet()) {
            String pointer = entry.getValue();
            boolean prefixes = errorPointer.equals(pointer) || errorPointer.startsWith(pointer + "/");
            if (prefixes && pointer.length() > bestLength) {
                best = entry.getKey();
                bestLength = pointer.length();
            }
        }
        return best;
    }

    private ObjectNode write(String path, UiNode node, String pointer) {
        pointers.put(path, pointer);
        return switch (node.kind) {
            case GROUP -> group(path, node, pointer);
            case CONDITION -> condition(node);
            case REFERENCE -> reference(node);
        };
    }

    private ObjectNode group(String path, UiNode node, String pointer) {
        ObjectNode group = NODES.objectNode();
        String inner = node.negated ? pointer + "/conditions/0" : pointer;
        group.put("operator", node.logic);
        ArrayNode conditions = group.putArray("conditions");
        for (int i = 0; i < node.children.size(); i++) {
            conditions.add(write(BuilderTree.childPath(path, i), node.children.get(i), inner + "/conditions/" + i));
        }
        if (!node.negated) {
            return group;
        }
        ObjectNode not = NODES.objectNode();
        not.put("operator", "NOT");
        not.putArray("conditions").add(group);
        return not;
    }

    private ObjectNode condition(UiNode node) {
        ObjectNode condition = NODES.objectNode();
        condition.put("attribute", node.attribute);
        condition.put("op", node.op);
        String type = types.getOrDefault(node.attribute, "string");
        switch (Operators.editor(node.op, type)) {
            case "none" -> { }
            case "span" -> {
                if (!node.value.isBlank()) {
                    ObjectNode span = condition.putObject("value");
                    span.set("amount", scalar(node.value.trim(), "number"));
                    span.put("unit", node.unit);
                }
            }
            case "list" -> {
                List<String> items = ListText.split(node.value);
                if (!node.value.isBlank()) {
                    ArrayNode list = condition.putArray("value");
                    items.forEach(item -> list.add(scalar(item, type)));
                }
            }
            default -> {
                if (!node.value.isEmpty()) {
                    condition.set("value", scalar(node.value, type));
                }
            }
        }
        return condition;
    }

    private static ObjectNode reference(UiNode node) {
        ObjectNode reference = NODES.objectNode();
        try {
            reference.put("segment", Long.parseLong(node.segment.trim()));
        } catch (NumberFormatException e) {
            reference.put("segment", node.segment);
        }
        return reference;
    }

    /** A typed value: numbers for number attributes, booleans for boolean ones, otherwise the text. */
    static JsonNode scalar(String text, String type) {
        if (type.equals("number")) {
            try {
                double number = Double.parseDouble(text.trim());
                if (Double.isFinite(number)) {
                    if (number == Math.rint(number) && Math.abs(number) < EXACT_INTEGERS) {
                        return NODES.numberNode((long) number);
                    }
                    return NODES.numberNode(number);
                }
            } catch (NumberFormatException e) {
                return NODES.textNode(text);
            }
        }
        if (type.equals("boolean") && (text.equals("true") || text.equals("false"))) {
            return NODES.booleanNode(Boolean.parseBoolean(text));
        }
        return NODES.textNode(text);
    }

    /** Loads a rule (already validated or not) into the builder's tree; unknown shapes become empty conditions. */
    static BuilderTree load(JsonNode rule) {
        UiNode root = read(rule);
        if (!root.isGroup()) {
            UiNode group = UiNode.group("AND", false);
            group.children.add(root);
            root = group;
        }
        return new BuilderTree(root);
    }

    private static UiNode read(JsonNode node) {
        if (node == null || !node.isObject()) {
            return UiNode.condition("", "eq", "", "days");
        }
        if (node.has("segment")) {
            return UiNode.reference(node.get("segment").asText());
        }
        if (node.has("operator")) {
            String operator = node.get("operator").asText();
            JsonNode children = node.path("conditions");
            if (operator.equals("NOT")) {
                UiNode only = read(children.path(0));
                if (only.isGroup() && !only.negated) {
                    only.negated = true;
                    return only;
                }
                UiNode group = UiNode.group("AND", true);
                group.children.add(only);
                return group;
            }
            UiNode group = UiNode.group(operator, false);
            children.forEach(child -> group.children.add(read(child)));
            return group;
        }
        JsonNode value = node.get("value");
        String unit = "days";
        String text = "";
        if (value != null && value.isObject()) {
            text = value.path("amount").asText("");
            unit = value.path("unit").asText("days");
        } else if (value != null && value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            text = ListText.join(items);
        } else if (value != null && !value.isNull()) {
            text = value.asText();
        }
        return UiNode.condition(node.path("attribute").asText(""), node.path("op").asText("eq"), text, unit);
    }
}
