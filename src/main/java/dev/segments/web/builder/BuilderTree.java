package dev.segments.web.builder;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The builder's tree and the form that carries it. Every node has a path ({@code r} for the root
 * group, {@code r-0-2} for the third child of the root's first child); the form lists the paths in
 * document order in {@code n} and the node's fields as {@code <path>.<field>}. Edits (add, remove,
 * move) work on the tree; paths are assigned again when it is rendered.
 */
public final class BuilderTree {

    public static final String ROOT = "r";

    private final UiNode root;

    BuilderTree(UiNode root) {
        this.root = root;
    }

    public UiNode root() {
        return root;
    }

    /** A new rule: an AND group with one empty condition. */
    static BuilderTree starter(String attribute) {
        UiNode root = UiNode.group("AND", false);
        root.children.add(UiNode.condition(attribute, "eq", "", "days"));
        return new BuilderTree(root);
    }

    /** Rebuilds the tree from the builder form; a form without nodes gives an empty AND group. */
    static BuilderTree fromForm(MultivaluedMap<String, String> form) {
        Map<String, UiNode> byPath = new LinkedHashMap<>();
        List<String> paths = form.getOrDefault("n", List.of());
        for (String path : paths) {
            if (!path.matches("r(-\\d{1,4}){0,40}") || byPath.containsKey(path)) {
                continue;
            }
            UiNode node = switch (first(form, path + ".k")) {
                case "g" -> UiNode.group(first(form, path + ".logic"), form.containsKey(path + ".not"));
                case "s" -> UiNode.reference(first(form, path + ".seg"));
                default -> UiNode.condition(first(form, path + ".attr"), first(form, path + ".op"),
                        first(form, path + ".val"), first(form, path + ".unit"));
            };
            UiNode parent = byPath.get(parentOf(path));
            if (parent != null && parent.isGroup()) {
                parent.children.add(node);
            } else if (!path.equals(ROOT)) {
                continue;
            }
            byPath.put(path, node);
        }
        UiNode root = byPath.get(ROOT);
        if (root == null || !root.isGroup()) {
            root = UiNode.group("AND", false);
        }
        return new BuilderTree(root);
    }

    /** Applies one edit at {@code path}; an unknown path or action changes nothing. */
    void apply(String action, String path, String defaultAttribute, String defaultSegment) {
        UiNode target = find(path);
        if (target == null || action == null) {
            return;
        }
        UiNode parent = find(parentOf(path));
        switch (action) {
            case "add-condition" -> {
                if (target.isGroup()) {
                    target.children.add(UiNode.condition(defaultAttribute, "eq", "", "days"));
                }
            }
            case "add-group" -> {
                if (target.isGroup()) {
                    UiNode group = UiNode.group(target.logic.equals("AND") ? "OR" : "AND", false);
                    group.children.add(UiNode.condition(defaultAttribute, "eq", "", "days"));
                    target.children.add(group);
                }
            }
            case "add-reference" -> {
                if (target.isGroup()) {
                    target.children.add(UiNode.reference(defaultSegment));
                }
            }
            case "remove" -> {
                if (parent != null) {
                    parent.children.remove(target);
                }
            }
            case "up", "down" -> {
                if (parent != null) {
                    int at = parent.children.indexOf(target);
                    int to = action.equals("up") ? at - 1 : at + 1;
                    if (to >= 0 && to < parent.children.size()) {
                        parent.children.remove(at);
                        parent.children.add(to, target);
                    }
                }
            }
            default -> {
                // "refresh": nothing to change, the tree is rendered again for a new attribute or operator
            }
        }
    }

    UiNode find(String path) {
        if (path == null || !path.startsWith(ROOT)) {
            return null;
        }
        UiNode node = root;
        String[] steps = path.split("-");
        for (int i = 1; i < steps.length; i++) {
            int index;
            try {
                index = Integer.parseInt(steps[i]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (!node.isGroup() || index < 0 || index >= node.children.size()) {
                return null;
            }
            node = node.children.get(index);
        }
        return steps[0].equals(ROOT) ? node : null;
    }

    static String parentOf(String path) {
        int cut = path.lastIndexOf('-');
        return cut < 0 ? "" : path.substring(0, cut);
    }

    static String childPath(String parent, int index) {
        return parent + "-" + index;
    }

    /** Every node with its path, in document order. */
    List<Map.Entry<String, UiNode>> walk() {
        List<Map.Entry<String, UiNode>> nodes = new ArrayList<>();
        walk(ROOT, root, nodes);
        return nodes;
    }

    private static void walk(String path, UiNode node, List<Map.Entry<String, UiNode>> out) {
        out.add(Map.entry(path, node));
        for (int i = 0; i < node.children.size(); i++) {
            walk(childPath(path, i), node.children.get(i), out);
        }
    }

    private static String first(MultivaluedMap<String, String> form, String key) {
        String value = form.getFirst(key);
        return value == null ? "" : value;
    }
}
