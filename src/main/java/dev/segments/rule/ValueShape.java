package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The kind of value an {@link Operator} takes, with the check of a wire value against it. Reading
 * a value collects every problem found into {@link Problems} and returns {@code null} when the
 * value is unusable.
 */
public enum ValueShape {
    /** No value: the {@code value} key must be left out. */
    NONE {
        @Override
        boolean accepts(RuleValue value) {
            return value == null;
        }

        @Override
        RuleValue read(JsonNode json, String pointer, Problems problems) {
            problems.add(pointer, "this operator takes no value; remove \"value\"");
            return null;
        }
    },
    /** A string, number or boolean. */
    SCALAR {
        @Override
        boolean accepts(RuleValue value) {
            return value instanceof RuleValue.Scalar;
        }

        @Override
        RuleValue read(JsonNode json, String pointer, Problems problems) {
            return readScalar(json, pointer, problems, "value must be a string, number or boolean");
        }
    },
    /** A string or number, for the order operators. */
    ORDERABLE {
        @Override
        boolean accepts(RuleValue value) {
            return value instanceof RuleValue.Text || value instanceof RuleValue.Numeric;
        }

        @Override
        RuleValue read(JsonNode json, String pointer, Problems problems) {
            if (json.isBoolean()) {
                problems.add(pointer, "value must be a number or a string");
                return null;
            }
            return readScalar(json, pointer, problems, "value must be a number or a string");
        }
    },
    /** A string. */
    TEXT {
        @Override
        boolean accepts(RuleValue value) {
            return value instanceof RuleValue.Text;
        }

        @Override
        RuleValue read(JsonNode json, String pointer, Problems problems) {
            if (!json.isTextual()) {
                problems.add(pointer, "value must be a string");
                return null;
            }
            return readScalar(json, pointer, problems, "value must be a string");
        }
    },
    /** A non-empty array of strings, numbers and booleans. */
    SCALAR_LIST {
        @Override
        boolean accepts(RuleValue value) {
            return value instanceof RuleValue.ScalarList;
        }

        @Override
        RuleValue read(JsonNode json, String pointer, Problems problems) {
            if (!json.isArray() || json.isEmpty()) {
                problems.add(pointer, "value must be a non-empty array of strings, numbers or booleans");
                return null;
            }
            List<RuleValue.Scalar> items = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                items.add(readScalar(json.get(i), pointer + "/" + i, problems,
                        "list element must be a string, number or boolean"));
            }
            return items.contains(null) ? null : new RuleValue.ScalarList(items);
        }
    },
    /** A date string (see {@link Dates}), the operand of {@code before} and {@code after}. */
    DATE {
        @Override
        boolean accepts(RuleValue value) {
            return value instanceof RuleValue.Text text && Dates.micros(text.value()) != Dates.NOT_A_DATE;
        }

        @Override
        RuleValue read(JsonNode json, String pointer, Problems problems) {
            if (!json.isTextual() || Dates.micros(json.textValue()) == Dates.NOT_A_DATE) {
                problems.add(pointer, (json.isTextual() ? "not a date: " + json : "value must be a date string")
                        + "; expected " + Dates.FORMATS + " naming a day that exists");
                return null;
            }
            return new RuleValue.Text(json.textValue());
        }
    },
    /** {@code {"amount": n, "unit": "days"}}, the operand of {@code within_last} and {@code more_than_ago}. */
    SPAN {
        private static final String AMOUNT = "amount";
        private static final String UNIT = "unit";

        @Override
        boolean accepts(RuleValue value) {
            return value instanceof RuleValue.Span;
        }

        @Override
        RuleValue read(JsonNode json, String pointer, Problems problems) {
            if (!json.isObject()) {
                problems.add(pointer, "value must be an object {\"amount\": n, \"unit\": u}");
                return null;
            }
            json.fieldNames().forEachRemaining(name -> {
                if (!name.equals(AMOUNT) && !name.equals(UNIT)) {
                    problems.add(Problems.child(pointer, name), "unknown member \"" + name
                            + "\"; a time span has only \"amount\" and \"unit\"");
                }
            });
            JsonNode amount = json.get(AMOUNT);
            boolean amountOk = amount != null && amount.isIntegralNumber() && amount.canConvertToLong()
                    && amount.longValue() >= 1 && amount.longValue() <= RuleValue.Span.MAX_AMOUNT;
            if (!amountOk) {
                problems.add(Problems.child(pointer, AMOUNT), (amount == null ? "missing \"amount\"" : "amount must be")
                        + " a positive integer, at most " + RuleValue.Span.MAX_AMOUNT);
            }
            JsonNode unitJson = json.get(UNIT);
            SpanUnit unit = unitJson != null && unitJson.isTextual() ? SpanUnit.fromWire(unitJson.textValue()).orElse(null) : null;
            if (unit == null) {
                problems.add(Problems.child(pointer, UNIT), (unitJson == null ? "missing \"unit\"" : "unknown unit " + unitJson)
                        + "; expected one of " + SpanUnit.NAMES);
            }
            return amountOk && unit != null ? new RuleValue.Span(amount.longValue(), unit) : null;
        }
    };

    /** Whether {@code value} (possibly {@code null}) has this shape. */
    abstract boolean accepts(RuleValue value);

    /** Reads a present {@code value} member; {@code null} when it is wrong (problems recorded). */
    abstract RuleValue read(JsonNode json, String pointer, Problems problems);

    private static RuleValue.Scalar readScalar(
            JsonNode json, String pointer, Problems problems, String typeMessage) {
        if (json.isTextual()) {
            String text = json.textValue();
            return Texts.checkStorable(text, pointer, problems) ? new RuleValue.Text(text) : null;
        }
        if (json.isBoolean()) {
            return new RuleValue.Bool(json.booleanValue());
        }
        if (json.isNumber()) {
            double number = json.doubleValue();
            if (!Double.isFinite(number)) {
                problems.add(pointer, "number is out of the range of a double: " + json.asText());
                return null;
            }
            return new RuleValue.Numeric(number);
        }
        problems.add(pointer, typeMessage);
        return null;
    }
}
