package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;

/** The Java evaluator's table: one entry per {@link Operator}. */
final class JavaOperators {

    /** Tests an attribute value that was looked up already; {@code null} means absent. */
    @FunctionalInterface
    interface AttributeTest {
        boolean test(JsonNode valueOrNull, Instant now);
    }

    /** Builds the test for one condition value; called once per compile, not per user. */
    @FunctionalInterface
    interface Entry {
        AttributeTest bind(RuleValue value);
    }

    static final Map<Operator, Entry> TABLE = Collections.unmodifiableMap(table());

    private JavaOperators() {}

    static Entry of(Operator op) {
        Entry entry = TABLE.get(op);
        if (entry == null) {
            throw new IllegalStateException("no Java evaluation for operator " + op);
        }
        return entry;
    }

    private static EnumMap<Operator, Entry> table() {
        EnumMap<Operator, Entry> table = new EnumMap<>(Operator.class);
        table.put(Operator.EQ, value -> present(JsonMatch.equalTo(scalar(value))));
        table.put(Operator.NEQ, value -> present(JsonMatch.equalTo(scalar(value)).negate()));
        table.put(Operator.GT, value -> present(JsonMatch.ordered(scalar(value), sign -> sign > 0)));
        table.put(Operator.GTE, value -> present(JsonMatch.ordered(scalar(value), sign -> sign >= 0)));
        table.put(Operator.LT, value -> present(JsonMatch.ordered(scalar(value), sign -> sign < 0)));
        table.put(Operator.LTE, value -> present(JsonMatch.ordered(scalar(value), sign -> sign <= 0)));
        table.put(Operator.IN, value -> present(JsonMatch.equalToAny(list(value))));
        table.put(Operator.NOT_IN, value -> present(JsonMatch.equalToAny(list(value)).negate()));
        table.put(Operator.CONTAINS, value -> present(JsonMatch.contains(((RuleValue.Text) value).value())));
        table.put(Operator.IS_NULL, value -> (attribute, now) -> attribute == null);
        table.put(Operator.IS_NOT_NULL, value -> (attribute, now) -> attribute != null);
        table.put(Operator.BEFORE, value -> {
            long date = Dates.micros(((RuleValue.Text) value).value());
            return dated((micros, now) -> micros < date);
        });
        table.put(Operator.AFTER, value -> {
            long date = Dates.micros(((RuleValue.Text) value).value());
            return dated((micros, now) -> micros > date);
        });
        table.put(Operator.WITHIN_LAST, value -> {
            RuleValue.Span span = (RuleValue.Span) value;
            return dated((micros, now) -> micros >= span.before(now) && micros <= now);
        });
        table.put(Operator.MORE_THAN_AGO, value -> {
            RuleValue.Span span = (RuleValue.Span) value;
            return dated((micros, now) -> micros < span.before(now));
        });
        return table;
    }

    /** Compares a date attribute, in microseconds, with bounds derived from {@code now} in microseconds. */
    @FunctionalInterface
    private interface DateTest {
        boolean test(long micros, long nowMicros);
    }

    /** A string attribute that is a date ({@link Dates}) and passes the test; false on anything else. */
    private static AttributeTest dated(DateTest test) {
        return (attribute, now) -> {
            if (attribute == null || !attribute.isTextual()) {
                return false;
            }
            long micros = Dates.micros(attribute.textValue());
            return micros != Dates.NOT_A_DATE && test.test(micros, Dates.micros(now));
        };
    }

    private static AttributeTest present(Predicate<JsonNode> test) {
        return (attribute, now) -> attribute != null && test.test(attribute);
    }

    private static RuleValue.Scalar scalar(RuleValue value) {
        return (RuleValue.Scalar) value;
    }

    private static RuleValue.ScalarList list(RuleValue value) {
        return (RuleValue.ScalarList) value;
    }
}
