package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleFunction;
import java.util.function.Function;

/**
 * The value of a {@link Condition}: a {@link Scalar} (string, number or boolean), a non-empty
 * {@link ScalarList}, or a {@link Span} of time. Values are immutable and compare structurally.
 */
public sealed interface RuleValue permits RuleValue.Scalar, RuleValue.ScalarList, RuleValue.Span {

    /** The value in its wire format. */
    JsonNode toJson();

    /** A string, number or boolean. */
    sealed interface Scalar extends RuleValue permits Text, Numeric, Bool {

        /** Calls the function for this scalar's kind; the compiler checks that every kind is handled. */
        <R> R fold(Function<String, R> text, DoubleFunction<R> number, Function<Boolean, R> bool);
    }

    /** A JSON string. */
    record Text(String value) implements Scalar {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public <R> R fold(Function<String, R> text, DoubleFunction<R> number, Function<Boolean, R> bool) {
            return text.apply(value);
        }

        @Override
        public JsonNode toJson() {
            return TextNode.valueOf(value);
        }
    }

    /**
     * A JSON number held as a finite IEEE-754 double. {@code -0.0} is stored as {@code 0.0}: the two
     * compare equal under every operator, and this keeps the canonical form unique.
     */
    record Numeric(double value) implements Scalar {
        private static final double EXACT_INTEGER_LIMIT = 0x1p53;

        public Numeric {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("number must be finite: " + value);
            }
            value = value == 0.0 ? 0.0 : value;
        }

        @Override
        public <R> R fold(Function<String, R> text, DoubleFunction<R> number, Function<Boolean, R> bool) {
            return number.apply(value);
        }

        /** Integral values up to 2^53 are written as JSON integers, others as decimals. */
        @Override
        public JsonNode toJson() {
            boolean integral = value == Math.rint(value) && Math.abs(value) <= EXACT_INTEGER_LIMIT;
            return integral ? LongNode.valueOf((long) value) : DoubleNode.valueOf(value);
        }
    }

    /** A JSON boolean. */
    record Bool(boolean value) implements Scalar {
        @Override
        public <R> R fold(Function<String, R> text, DoubleFunction<R> number, Function<Boolean, R> bool) {
            return bool.apply(value);
        }

        @Override
        public JsonNode toJson() {
            return BooleanNode.valueOf(value);
        }
    }

    /** A non-empty list of scalars, the operand of {@code in} and {@code not_in}. */
    record ScalarList(List<Scalar> items) implements RuleValue {
        public ScalarList {
            items = List.copyOf(items);
            if (items.isEmpty()) {
                throw new IllegalArgumentException("list must not be empty");
            }
        }

        @Override
        public JsonNode toJson() {
            ArrayNode array = JsonNodeFactory.instance.arrayNode(items.size());
            items.forEach(item -> array.add(item.toJson()));
            return array;
        }
    }

    /**
     * An amount of time, the operand of {@code within_last} and {@code more_than_ago}:
     * {@code {"amount": n, "unit": "days"}}.
     *
     * @param amount a positive whole number of units, at most {@value #MAX_AMOUNT}
     */
    record Span(long amount, SpanUnit unit) implements RuleValue {
        /** The largest amount a rule may give. */
        public static final long MAX_AMOUNT = Integer.MAX_VALUE;

        public Span {
            Objects.requireNonNull(unit, "unit");
            if (amount < 1 || amount > MAX_AMOUNT) {
                throw new IllegalArgumentException("amount must be from 1 to " + MAX_AMOUNT + ": " + amount);
            }
        }

        /**
         * The instant this span before {@code nowMicros} (both in microseconds since the epoch), the
         * earliest instant of {@code within_last}; saturates at {@link Long#MIN_VALUE} (no date is that
         * early) instead of overflowing. Both evaluators take their bound from here.
         */
        long before(long nowMicros) {
            long span = amount <= Long.MAX_VALUE / unit.micros() ? amount * unit.micros() : Long.MAX_VALUE;
            return nowMicros >= Long.MIN_VALUE + span ? nowMicros - span : Long.MIN_VALUE;
        }

        @Override
        public JsonNode toJson() {
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("amount", amount);
            json.put("unit", unit.wire());
            return json;
        }
    }
}
