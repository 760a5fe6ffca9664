package dev.segments.web.builder;

import java.util.ArrayList;
import java.util.List;

/**
 * One node of the rule tree as the builder edits it: a group (AND/OR, optionally negated), a condition
 * with its value as typed, or a segment reference. Unlike the validated {@code rule.Rule}, it may be
 * incomplete (an empty value, no attribute yet): the API's validation names what is missing.
 */
public final class UiNode {

    public enum Kind { GROUP, CONDITION, REFERENCE }

    final Kind kind;
    String logic = "AND";
    boolean negated;
    final List<UiNode> children = new ArrayList<>();
    String attribute = "";
    String op = "eq";
    String value = "";
    String unit = "days";
    String segment = "";

    private UiNode(Kind kind) {
        this.kind = kind;
    }

    static UiNode group(String logic, boolean negated) {
        UiNode group = new UiNode(Kind.GROUP);
        group.logic = "OR".equals(logic) ? "OR" : "AND";
        group.negated = negated;
        return group;
    }

    static UiNode condition(String attribute, String op, String value, String unit) {
        UiNode condition = new UiNode(Kind.CONDITION);
        condition.attribute = attribute == null ? "" : attribute;
        condition.op = op == null || op.isEmpty() ? "eq" : op;
        condition.value = value == null ? "" : value;
        condition.unit = unit == null || unit.isEmpty() ? "days" : unit;
        return condition;
    }

    static UiNode reference(String segment) {
        UiNode reference = new UiNode(Kind.REFERENCE);
        reference.segment = segment == null ? "" : segment;
        return reference;
    }

    boolean isGroup() {
        return kind == Kind.GROUP;
    }
}
