package dev.segments.rule;

import java.util.List;
import java.util.Objects;

/**
 * A group node: {@code {"operator": "AND" | "OR" | "NOT", "conditions": [...]}}.
 *
 * @param logic how the children combine
 * @param children the child nodes in document order; a {@code NOT} group has exactly one
 */
public record Group(Logic logic, List<RuleNode> children) implements RuleNode {

    public Group {
        Objects.requireNonNull(logic, "logic");
        children = List.copyOf(children);
        if (logic == Logic.NOT && children.size() != 1) {
            throw new IllegalArgumentException("NOT needs exactly one child, got " + children.size());
        }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.group(this);
    }
}
