package dev.segments.rule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SQL compiler's table: one entry per {@link Operator}. */
final class SqlOperators {

    /** Writes the condition's boolean SQL expression, never NULL, binding values through the attribute. */
    @FunctionalInterface
    interface Entry {
        String compile(SqlAttribute attribute, RuleValue value);
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
        table.put(Operator.EQ, (a, v) -> compare(a, v, "=", false));
        table.put(Operator.NEQ, (a, v) -> compare(a, v, "<>", true));
        table.put(Operator.GT, (a, v) -> compare(a, v, ">", false));
        table.put(Operator.GTE, (a, v) -> compare(a, v, ">=", false));
        table.put(Operator.LT, (a, v) -> compare(a, v, "<", false));
        table.put(Operator.LTE, (a, v) -> compare(a, v, "<=", false));
        table.put(Operator.IN, (a, v) -> member(a, v, "IN", false));
        table.put(Operator.NOT_IN, (a, v) -> member(a, v, "NOT IN", true));
        table.put(Operator.CONTAINS, SqlOperators::contains);
        table.put(Operator.IS_NULL, (a, v) -> "(" + a.type() + " = 'null')");
        table.put(Operator.IS_NOT_NULL, (a, v) -> "(" + a.type() + " <> 'null')");
        return table;
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
}
