package dev.segments.rule;

/**
 * SQL fragments that read one attribute from the jsonb attributes column. Every fragment binds the
 * attribute name afresh as it is written, so placeholders appear in the text in increasing order.
 */
final class SqlAttribute {
    private final String column;
    private final String name;
    private final SqlParams params;

    SqlAttribute(String column, String name, SqlParams params) {
        this.column = column;
        this.name = name;
        this.params = params;
    }

    /** The attribute as jsonb; SQL NULL when the key is missing. */
    String json() {
        return "(" + column + " -> " + params.bind(name) + "::text)";
    }

    /** The JSON type name ('string', 'number', ...), with 'null' for both JSON null and a missing key. */
    String type() {
        return "COALESCE(jsonb_typeof(" + json() + "), 'null')";
    }

    /** Starts a {@code CASE} over the JSON type of the attribute, absent being false. */
    SqlTypeCase typeCase() {
        return new SqlTypeCase(type());
    }

    /** The attribute read as a value of the scalar's kind; only valid where its JSON type is that kind. */
    String read(RuleValue.Scalar kind) {
        return kind.fold(
                text -> "((" + column + " ->> " + params.bind(name) + "::text) COLLATE \"C\")",
                number -> json() + "::float8",
                bool -> json() + "::boolean");
    }

    /** The scalar as a cast bind parameter. */
    String literal(RuleValue.Scalar value) {
        return value.fold(
                text -> "(" + params.bind(text) + "::text COLLATE \"C\")",
                number -> params.bind(number) + "::float8",
                bool -> params.bind(bool) + "::boolean");
    }

    /** The attribute as text ({@code ->>}): a string's content; SQL NULL when the key is missing or JSON null. */
    String string() {
        return "(" + column + " ->> " + params.bind(name) + "::text)";
    }

    /** A whole number as a cast bind parameter. */
    String bigint(long value) {
        return params.bind(value) + "::bigint";
    }

    /** A string as a cast bind parameter. */
    String text(String value) {
        return params.bind(value) + "::text";
    }

    /** The JSON type name ({@code jsonb_typeof}) of the scalar's kind. */
    static String jsonType(RuleValue.Scalar value) {
        return value.fold(text -> "string", number -> "number", bool -> "boolean");
    }
}
