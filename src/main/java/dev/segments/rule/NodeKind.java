package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The three node kinds of the wire form, told apart by their member names. */
enum NodeKind {
    GROUP(Set.of(RuleParser.OPERATOR, RuleParser.CONDITIONS)),
    CONDITION(Set.of(RuleParser.ATTRIBUTE, RuleParser.OP, RuleParser.VALUE)),
    REFERENCE(Set.of(RuleParser.SEGMENT));

    private final Set<String> keys;

    NodeKind(Set<String> keys) {
        this.keys = keys;
    }

    /**
     * The kind whose members the object uses, or {@code null} (problem recorded) when it uses the
     * members of no kind or of several. Members unknown to the kind are recorded as problems at their
     * own pointer; the kind is still returned so the rest of the node gets checked too.
     */
    static NodeKind classify(JsonNode json, String pointer, Problems problems) {
        List<NodeKind> found = new ArrayList<>();
        for (NodeKind kind : values()) {
            if (kind.usedBy(json)) {
                found.add(kind);
            }
        }
        if (found.size() != 1) {
            problems.add(pointer, found.isEmpty()
                    ? "node is neither a group {operator, conditions}, a condition {attribute, op, value}"
                            + " nor a segment reference {segment}"
                    : "node is ambiguous: it mixes members of a " + describe(found));
            return null;
        }
        NodeKind kind = found.get(0);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!kind.keys.contains(name)) {
                problems.add(Problems.child(pointer, name), "unknown member \"" + name + "\" in a " + kind.label());
            }
        }
        return kind;
    }

    private boolean usedBy(JsonNode json) {
        for (String key : keys) {
            if (json.has(key)) {
                return true;
            }
        }
        return false;
    }

    private String label() {
        return this == REFERENCE ? "segment reference" : name().toLowerCase(Locale.ROOT);
    }

    private static String describe(List<NodeKind> kinds) {
        List<String> labels = new ArrayList<>();
        kinds.forEach(kind -> labels.add(kind.label()));
        return String.join(" and a ", labels);
    }
}
