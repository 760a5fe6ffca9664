package dev.segments.rule;

/**
 * Builds {@code CASE <json type> WHEN 'null' THEN false WHEN 'number' THEN ... ELSE x END}. The
 * branch for a type is only evaluated for values of that type, so casts such as {@code ::float8}
 * inside it never see another type (PostgreSQL does not promise to short-circuit AND/OR, but it
 * does evaluate CASE branches lazily). Every branch is a non-null boolean, so the whole expression
 * is never NULL and NOT stays two-valued.
 */
final class SqlTypeCase {
    private final StringBuilder sql = new StringBuilder();

    SqlTypeCase(String typeExpression) {
        sql.append("(CASE ").append(typeExpression).append(" WHEN 'null' THEN false");
    }

    /** Adds the branch for a JSON type; {@code condition} must be non-null for values of that type. */
    SqlTypeCase when(String jsonType, String condition) {
        sql.append(" WHEN '").append(jsonType).append("' THEN ").append(condition);
        return this;
    }

    /** Closes the CASE with the answer for every other present type. */
    String otherwise(boolean answer) {
        return sql.append(" ELSE ").append(answer).append(" END)").toString();
    }
}
