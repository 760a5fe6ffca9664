package dev.segments.rule;

import java.util.Objects;

/**
 * A condition node: {@code {"attribute": "name", "op": "eq", "value": V}}. It compares the
 * top-level attribute {@code attribute} of the user's attribute document with {@code value}
 * according to {@link Operator}.
 *
 * @param attribute the attribute name (1 to 256 code points)
 * @param op the operator
 * @param value the operand, of the shape the operator requires; {@code null} for
 *     {@code is_null} and {@code is_not_null}
 */
public record Condition(String attribute, Operator op, RuleValue value) implements RuleNode {

    public Condition {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(op, "op");
        if (!op.shape().accepts(value)) {
            throw new IllegalArgumentException(
                    "operator " + op.wire() + " does not take value " + value);
        }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.condition(this);
    }
}
