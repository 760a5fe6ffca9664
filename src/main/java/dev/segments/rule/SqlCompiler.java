package dev.segments.rule;

import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Compiles a rule to a PostgreSQL boolean expression with the semantics of {@link Operator} and
 * RULES.md (the same answers as {@link RuleEvaluator}).
 *
 * <p>The expression reads a row with a jsonb attributes column and a bigint user id column; a
 * segment reference becomes an {@code EXISTS} over {@code segment_membership(segment_id, user_id,
 * added_at, removed_at)} for a membership that is not removed. Every attribute name and value is a
 * bind parameter from {@link SqlParams}, cast explicitly ({@code $3::float8}, {@code $4::text},
 * {@code $5::boolean}, {@code $6::bigint}); each placeholder appears once, in increasing order.
 * Time conditions read date strings with {@link Dates#sqlMicros} and compare microseconds with
 * bigint parameters computed from {@code now} in Java. The expression is never NULL, so it can be negated and combined safely. Strings compare by code
 * point ({@code COLLATE "C"}). Attribute documents must hold numbers that fit a double
 * (PostgreSQL refuses to cast larger ones to float8).
 */
public final class SqlCompiler {
    private SqlCompiler() {}

    /**
     * @param attributesColumn SQL expression of the jsonb attributes, e.g. {@code u.attributes};
     *     written into the text as is, so it must come from code, never from a request
     * @param userIdColumn SQL expression of the user id, e.g. {@code u.user_id}; same caveat
     * @param params receives the bind values
     * @param now the instant of the evaluation, for time conditions; it is bound as a parameter (never
     *     PostgreSQL's {@code now()}), so SQL and the Java evaluator given the same instant agree
     */
    public static String compile(Rule rule, String attributesColumn, String userIdColumn, SqlParams params,
            Instant now) {
        return rule.root().accept(new Writer(attributesColumn, userIdColumn, params, Dates.micros(now)));
    }

    private static final class Writer implements RuleNode.Visitor<String> {
        private final String attributesColumn;
        private final String userIdColumn;
        private final SqlParams params;
        private final long nowMicros;

        Writer(String attributesColumn, String userIdColumn, SqlParams params, long nowMicros) {
            this.attributesColumn = attributesColumn;
            this.userIdColumn = userIdColumn;
            this.params = params;
            this.nowMicros = nowMicros;
        }

        @Override
        public String group(Group group) {
            switch (group.logic()) {
                case AND:
                    return join(group, " AND ", "TRUE");
                case OR:
                    return join(group, " OR ", "FALSE");
                default:
                    return "(NOT " + group.children().get(0).accept(this) + ")";
            }
        }

        private String join(Group group, String separator, String empty) {
            if (group.children().isEmpty()) {
                return empty;
            }
            return group.children().stream()
                    .map(child -> child.accept(this))
                    .collect(Collectors.joining(separator, "(", ")"));
        }

        @Override
        public String condition(Condition condition) {
            SqlAttribute attribute = new SqlAttribute(attributesColumn, condition.attribute(), params);
            return SqlOperators.of(condition.op()).compile(attribute, condition.value(), nowMicros);
        }

        @Override
        public String segmentRef(SegmentRef ref) {
            return "EXISTS (SELECT 1 FROM segment_membership m WHERE m.segment_id = "
                    + params.bind(ref.segmentId()) + "::bigint AND m.user_id = " + userIdColumn
                    + " AND m.removed_at IS NULL)";
        }
    }
}
