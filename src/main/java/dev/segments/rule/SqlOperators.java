package dev.segments.rule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The SQL compiler's table: one entry per {@link Operator}. */
final class SqlOperators {

    /**
     * Writes the condition's boolean SQL expression, never NULL, binding values through the attribute;
     * {@code nowMicros} is the instant of the evaluation in microseconds since the epoch.
     */
    @FunctionalInterface
    interface Entry {
        String compile(SqlAttribute attribute, RuleValue value, long nowMicros);
    }

    static final Map<Operator, Entry> TABLE = Collections.unmodifiableMap(table());

    private SqlOperators() {}

    static Entry of(Operator op) {
        Entry entry = TABLE.get(op);
        if (entry == null) {
            throw new IllegalStateException("no SQL compilation for operator " + op);
        }
        return entry;
    }

    private static EnumMap<Operator, Entry> table() {
        EnumMap<Operator, Entry> table = new EnumMap<>(Operator.class);
        table.put(Operator.EQ, (a, v, now) -> compare(a, v, "=", false));
        table.put(Operator.NEQ, (a, v, now) -> compare(a, v, "<>", true));
        table.put(Operator.GT, (a, v, now) -> compare(a, v, ">", false));
        table.put(Operator.GTE, (a, v, now) -> compare(a, v, ">=", false));
        table.put(Operator.LT, (a, v, now) -> compare(a, v, "<", false));
        table.put(Operator.LTE, (a, v, now) -> compare(a, v, "<=", false));
        table.put(Operator.IN, (a, v, now) -> member(a, v, "IN", false));
        table.put(Operator.NOT_IN, (a, v, now) -> member(a, v, "NOT IN", true));
        table.put(Operator.CONTAINS, (a, v, now) -> contains(a, v));
        table.put(Operator.IS_NULL, (a, v, now) -> "(" + a.type() + " = 'null')");
        table.put(Operator.IS_NOT_NULL, (a, v, now) -> "(" + a.type() + " <> 'null')");
        table.put(Operator.BEFORE, (a, v, now) -> dated(a, "<", () -> a.bigint(date(v))));
        table.put(Operator.AFTER, (a, v, now) -> dated(a, ">", () -> a.bigint(date(v))));
        table.put(Operator.WITHIN_LAST, (a, v, now) -> dated(a, "BETWEEN",
                () -> a.bigint(span(v).before(now)) + " AND " + a.bigint(now)));
        table.put(Operator.MORE_THAN_AGO, (a, v, now) -> dated(a, "<", () -> a.bigint(span(v).before(now))));
        return table;
    }

    /**
     * A string attribute read as a date ({@link Dates#sqlMicros}) and compared with bigint bounds in
     * microseconds; false for other types and for strings that are not dates. {@code bounds} is only
     * written (bound) after the attribute, so placeholders stay in text order.
     */
    private static String dated(SqlAttribute a, String sqlOperator, Supplier<String> bounds) {
        SqlTypeCase sql = a.typeCase();
        String micros = Dates.sqlMicros(a::string);
        return sql.when("string", "COALESCE(" + micros + " " + sqlOperator + " " + bounds.get() + ", false)")
                .otherwise(false);
    }

    /** Attribute of the value's JSON type compared with it; {@code otherTypes} answers every other present type. */
    private static String compare(SqlAttribute a, RuleValue value, String sqlOperator, boolean otherTypes) {
        RuleValue.Scalar scalar = (RuleValue.Scalar) value;
        return a.typeCase()
                .when(SqlAttribute.jsonType(scalar), a.read(scalar) + " " + sqlOperator + " " + a.literal(scalar))
                .otherwise(otherTypes);
    }

    /** {@code IN} / {@code NOT IN}, with one branch per JSON type found in the list. */
    private static String member(SqlAttribute a, RuleValue value, String sqlOperator, boolean otherTypes) {
        Map<String, List<RuleValue.Scalar>> byType = new LinkedHashMap<>();
        for (RuleValue.Scalar item : ((RuleValue.ScalarList) value).items()) {
            byType.computeIfAbsent(SqlAttribute.jsonType(item), type -> new ArrayList<>()).add(item);
        }
        SqlTypeCase sql = a.typeCase();
        byType.forEach((type, items) -> {
            StringBuilder branch = new StringBuilder(a.read(items.get(0))).append(' ').append(sqlOperator).append(" (");
            for (int i = 0; i < items.size(); i++) {
                branch.append(i == 0 ? "" : ", ").append(a.literal(items.get(i)));
            }
            sql.when(type, branch.append(')').toString());
        });
        return sql.otherwise(otherTypes);
    }

    /** strpos (never LIKE: % and _ are literal) on strings; an equal string element on arrays. */
    private static String contains(SqlAttribute a, RuleValue value) {
        String text = ((RuleValue.Text) value).value();
        SqlTypeCase sql = a.typeCase();
        sql.when("string", "strpos(" + a.read((RuleValue.Text) value) + ", " + a.text(text) + " COLLATE \"C\") > 0");
        sql.when("array", a.json() + " @> jsonb_build_array(" + a.text(text) + ")");
        return sql.otherwise(false);
    }

    /** The microseconds of a {@code before}/{@code after} value, read by the same code as the Java evaluator's. */
    private static long date(RuleValue value) {
        return Dates.micros(((RuleValue.Text) value).value());
    }

    private static RuleValue.Span span(RuleValue value) {
        return (RuleValue.Span) value;
    }
}
