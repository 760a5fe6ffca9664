package dev.segments.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.rule.RuleParser;
import dev.segments.rule.SqlCompiler;
import dev.segments.rule.SqlParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule taken apart for per-node counts: every condition and segment reference becomes one boolean
 * column ({@code c0, c1, …}) computed once per row, and every node, groups included, an expression
 * over those columns, keyed by its JSON Pointer in the request. The compiled expressions are never
 * NULL, so the groups can be rebuilt with plain AND, OR and NOT.
 */
final class NodeColumns {

    private final List<String> leaves = new ArrayList<>();
    private final Map<String, String> nodes = new LinkedHashMap<>();

    /**
     * @param rule the rule in its canonical wire form ({@code Rule.toJson()})
     * @param pointer where the rule sits in the request, e.g. {@code /rules}
     */
    NodeColumns(JsonNode rule, String pointer, SqlParams params) {
        walk(rule, pointer, params);
    }

    private String walk(JsonNode node, String pointer, SqlParams params) {
        nodes.put(pointer, null); // keeps document order: a group before its children
        String expression;
        if (node.has("conditions")) {
            List<String> children = new ArrayList<>();
            JsonNode conditions = node.get("conditions");
            for (int i = 0; i < conditions.size(); i++) {
                children.add(walk(conditions.get(i), pointer + "/conditions/" + i, params));
            }
            expression = combine(node.get("operator").asText(), children);
        } else {
            leaves.add(SqlCompiler.compile(RuleParser.parse(node, pointer), "s.attributes", "s.user_id", params));
            expression = "c" + (leaves.size() - 1);
        }
        nodes.put(pointer, expression);
        return expression;
    }

    private static String combine(String operator, List<String> children) {
        return switch (operator) {
            case "NOT" -> "(NOT " + children.get(0) + ")";
            case "AND" -> children.isEmpty() ? "TRUE" : "(" + String.join(" AND ", children) + ")";
            default -> children.isEmpty() ? "FALSE" : "(" + String.join(" OR ", children) + ")";
        };
    }

    /** The JSON Pointers of every node, in document order (the root first). */
    List<String> pointers() {
        return List.copyOf(nodes.keySet());
    }

    /**
     * One row: {@code count(*)}, then the users matching each node in {@link #pointers()} order. The
     * inner query is kept apart ({@code OFFSET 0}) so each condition is evaluated once per row.
     */
    String countSql(String from) {
        StringBuilder sql = new StringBuilder("SELECT count(*)");
        nodes.values().forEach(expression -> sql.append(", count(*) FILTER (WHERE ").append(expression).append(')'));
        sql.append(" FROM (SELECT ");
        for (int i = 0; i < leaves.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(leaves.get(i)).append(" AS c").append(i);
        }
        if (leaves.isEmpty()) {
            sql.append("1");
        }
        return sql.append(" FROM ").append(from).append(" OFFSET 0) AS x").toString();
    }
}
