package dev.segments.rule;

import java.util.Optional;

/**
 * The operators of a {@link Condition}, with their wire names and the value each one takes.
 *
 * <p>A user's attribute is <em>absent</em> when the key is missing or its value is JSON
 * {@code null}. Every operator except {@code is_null} is false on an absent attribute ({@code neq}
 * and {@code not_in} included). For a present attribute:
 *
 * <ul>
 *   <li>{@code eq}: same JSON type and equal; numbers compare as IEEE-754 doubles ({@code 1}
 *       equals {@code 1.0}, {@code -0.0} equals {@code 0}); booleans are not numbers; an array or
 *       object equals no scalar.
 *   <li>{@code neq}: not {@code eq}.
 *   <li>{@code gt gte lt lte}: two numbers in numeric order, two strings in Unicode code point
 *       order; any other pairing is false.
 *   <li>{@code in}: {@code eq} to at least one list element; {@code not_in}: to none.
 *   <li>{@code contains}: a string containing the value (case-sensitive), or an array with an
 *       element {@code eq} the value.
 *   <li>{@code is_null}: the attribute is absent; {@code is_not_null}: it is present.
 *   <li>{@code before} / {@code after}: the attribute is a date string (format: {@link Dates})
 *       strictly earlier / later than the value, a date string too.
 *   <li>{@code within_last}: the attribute is a date from {@code now - span} to {@code now}, both
 *       included; {@code more_than_ago}: a date strictly earlier than {@code now - span}. The value
 *       is a {@link RuleValue.Span}; {@code now} is an input of the evaluation.
 * </ul>
 *
 * <p>Time conditions are false on any attribute that is not a date string (another JSON type, or a
 * string in another form or naming a day that does not exist). Dates compare to the microsecond.
 *
 * <p>Adding an operator means adding a constant here and one entry to each backend table
 * ({@code JavaOperators}, {@code SqlOperators}); a test fails when a table misses one.
 */
public enum Operator {
    EQ("eq", ValueShape.SCALAR),
    NEQ("neq", ValueShape.SCALAR),
    GT("gt", ValueShape.ORDERABLE),
    GTE("gte", ValueShape.ORDERABLE),
    LT("lt", ValueShape.ORDERABLE),
    LTE("lte", ValueShape.ORDERABLE),
    IN("in", ValueShape.SCALAR_LIST),
    NOT_IN("not_in", ValueShape.SCALAR_LIST),
    CONTAINS("contains", ValueShape.TEXT),
    IS_NULL("is_null", ValueShape.NONE),
    IS_NOT_NULL("is_not_null", ValueShape.NONE),
    BEFORE("before", ValueShape.DATE),
    AFTER("after", ValueShape.DATE),
    WITHIN_LAST("within_last", ValueShape.SPAN),
    MORE_THAN_AGO("more_than_ago", ValueShape.SPAN);

    private final String wire;
    private final ValueShape shape;

    Operator(String wire, ValueShape shape) {
        this.wire = wire;
        this.shape = shape;
    }

    /** The name used in JSON, e.g. {@code "not_in"}. */
    public String wire() {
        return wire;
    }

    /** The kind of value this operator takes. */
    public ValueShape shape() {
        return shape;
    }

    /**
     * Whether the answer depends on the instant of the evaluation ({@code within_last},
     * {@code more_than_ago}), so that it can change as time passes without any attribute change.
     */
    public boolean readsNow() {
        return shape == ValueShape.SPAN;
    }

    /** The operator with this wire name; names are case-sensitive. */
    public static Optional<Operator> fromWire(String wire) {
        for (Operator op : values()) {
            if (op.wire.equals(wire)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
