package dev.segments.web.builder;

import dev.segments.web.builder.NodeView.Option;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the builder offers: the catalog's attributes with their types and the segments that may be
 * referenced. Turns the tree into {@link NodeView}s.
 *
 * @param attributes attribute name → type (the catalog's most common JSON type, or {@code date})
 * @param segments segment id → name, without the segment being edited
 */
record BuilderChoices(Map<String, String> attributes, Map<Long, String> segments) {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ].*)?");

    /** A string attribute whose frequent values all read as dates is offered the time operators. */
    static String typeOf(String jsonType, List<String> values) {
        if (jsonType.equals("string") && !values.isEmpty() && values.stream().allMatch(v -> DATE.matcher(v).matches())) {
            return "date";
        }
        return jsonType;
    }

    String firstAttribute() {
        return attributes.isEmpty() ? "" : attributes.keySet().iterator().next();
    }

    String firstSegment() {
        return segments.isEmpty() ? "" : String.valueOf(segments.keySet().iterator().next());
    }

    NodeView view(BuilderTree tree, Map<String, List<String>> errors) {
        return view(BuilderTree.ROOT, tree.root(), 0, true, true, errors);
    }

    private NodeView view(String path, UiNode node, int depth, boolean first, boolean last, Map<String, List<String>> errors) {
        List<String> nodeErrors = errors.getOrDefault(path, List.of());
        return switch (node.kind) {
            case GROUP -> {
                List<NodeView> children = new ArrayList<>();
                for (int i = 0; i < node.children.size(); i++) {
                    children.add(view(BuilderTree.childPath(path, i), node.children.get(i), depth + 1, i == 0,
                            i == node.children.size() - 1, errors));
                }
                yield new NodeView(path, "g", node.logic, node.negated, children, "", "", "", List.of(), List.of(), "none",
                        "", "", List.of(), List.of(), nodeErrors, first, last, depth);
            }
            case CONDITION -> {
                String type = attributes.getOrDefault(node.attribute, "unknown");
                List<String> offered = new ArrayList<>(Operators.forType(type));
                if (!node.op.isEmpty() && !offered.contains(node.op) && Operators.LABELS.containsKey(node.op)) {
                    offered.add(node.op);
                }
                String op = offered.contains(node.op) ? node.op : offered.get(0);
                node.op = op;
                yield new NodeView(path, "c", "", false, List.of(), node.attribute, type, op, attributeOptions(node.attribute),
                        offered.stream().map(o -> new Option(o, Operators.label(o), o.equals(op))).toList(),
                        Operators.editor(op, type), node.value, node.unit,
                        Operators.UNITS.stream().map(u -> new Option(u, u, u.equals(node.unit))).toList(),
                        List.of(), nodeErrors, first, last, depth);
            }
            case REFERENCE -> new NodeView(path, "s", "", false, List.of(), "", "", "", List.of(), List.of(), "none", "",
                    "", List.of(), segmentOptions(node.segment), nodeErrors, first, last, depth);
        };
    }

    private List<Option> attributeOptions(String selected) {
        List<Option> options = new ArrayList<>();
        if (!attributes.containsKey(selected)) {
            options.add(new Option(selected, selected.isEmpty() ? "— choose an attribute —" : selected + " (not seen yet)", true));
        }
        attributes.forEach((name, type) -> options.add(new Option(name, name + " · " + type, name.equals(selected))));
        return options;
    }

    private List<Option> segmentOptions(String selected) {
        List<Option> options = new ArrayList<>();
        boolean known = segments.keySet().stream().anyMatch(id -> String.valueOf(id).equals(selected));
        if (!known) {
            options.add(new Option(selected, selected.isEmpty() ? "— choose a segment —" : "segment " + selected, true));
        }
        segments.forEach((id, name) -> options.add(new Option(String.valueOf(id), name, String.valueOf(id).equals(selected))));
        return options;
    }
}
