package dev.segments.rule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects the bind values of a compiled SQL expression. Placeholders are PostgreSQL style
 * ({@code $n}), numbered consecutively from the first index given, so the expression can join a
 * statement that uses {@code $1 .. $(firstIndex - 1)} already.
 */
public final class SqlParams {
    private final int firstIndex;
    private final List<Object> values = new ArrayList<>();

    /** @param firstIndex the number of the first placeholder, at least 1 */
    public SqlParams(int firstIndex) {
        if (firstIndex < 1) {
            throw new IllegalArgumentException("placeholders start at $1, not $" + firstIndex);
        }
        this.firstIndex = firstIndex;
    }

    /**
     * Adds a bind value and returns its placeholder, e.g. {@code "$3"}; every call returns a new
     * number. The caller casts the placeholder in the SQL text.
     *
     * @param value a {@link String}, {@link Double}, {@link Boolean} or {@link Long}
     */
    public String bind(Object value) {
        if (!(value instanceof String || value instanceof Double
                || value instanceof Boolean || value instanceof Long)) {
            throw new IllegalArgumentException("cannot bind " + (value == null ? "null" : value.getClass()));
        }
        values.add(value);
        return "$" + (firstIndex + values.size() - 1);
    }

    /** The bind values in placeholder order: element {@code i} belongs to {@code $(firstIndex + i)}. */
    public List<Object> values() {
        return Collections.unmodifiableList(values);
    }

    /** The number of the first placeholder. */
    public int firstIndex() {
        return firstIndex;
    }
}
