package dev.segments.web.builder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which operators fit an attribute's type, how the builder names them, and which value editor each
 * needs. The operator names are those of RULES.md; the types are the catalog's JSON types, plus
 * {@code date} for string attributes whose values read as dates.
 */
final class Operators {

    static final Map<String, String> LABELS = new LinkedHashMap<>();

    static {
        LABELS.put("eq", "is");
        LABELS.put("neq", "is not");
        LABELS.put("gt", "greater than");
        LABELS.put("gte", "at least");
        LABELS.put("lt", "less than");
        LABELS.put("lte", "at most");
        LABELS.put("in", "is one of");
        LABELS.put("not_in", "is none of");
        LABELS.put("contains", "contains");
        LABELS.put("before", "before");
        LABELS.put("after", "after");
        LABELS.put("within_last", "within the last");
        LABELS.put("more_than_ago", "more than … ago");
        LABELS.put("is_null", "is missing");
        LABELS.put("is_not_null", "is present");
    }

    private static final Map<String, List<String>> BY_TYPE = Map.of(
            "string", List.of("eq", "neq", "in", "not_in", "contains", "gt", "gte", "lt", "lte", "is_null", "is_not_null"),
            "number", List.of("eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "is_null", "is_not_null"),
            "boolean", List.of("eq", "neq", "is_null", "is_not_null"),
            "array", List.of("contains", "is_null", "is_not_null"),
            "object", List.of("is_null", "is_not_null"),
            "date", List.of("within_last", "more_than_ago", "before", "after", "eq", "neq", "is_null", "is_not_null"));

    static final List<String> UNITS = List.of("minutes", "hours", "days", "weeks");

    private Operators() {
    }

    /** The operators offered for a type; an unknown type (an attribute not in the catalog) gets all. */
    static List<String> forType(String type) {
        return BY_TYPE.getOrDefault(type, List.copyOf(LABELS.keySet()));
    }

    static String label(String op) {
        return LABELS.getOrDefault(op, op);
    }

    /** The value editor: none, span (amount + unit), list, date, bool, number or text. */
    static String editor(String op, String type) {
        return switch (op) {
            case "is_null", "is_not_null" -> "none";
            case "within_last", "more_than_ago" -> "span";
            case "in", "not_in" -> "list";
            case "before", "after" -> "date";
            default -> switch (type) {
                case "boolean" -> "bool";
                case "number" -> "number";
                default -> "text";
            };
        };
    }
}
