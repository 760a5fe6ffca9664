package dev.segments.export;

import java.util.Arrays;
import java.util.Optional;

/**
 * How members are written: each member is one line built by SQL (so a file written from a {@code COPY}
 * and a webhook batch read with a query render identically), framed by a prefix, a separator between
 * lines and a suffix. A line holds the user's external id (a CSV field quoted as RFC 4180 says when it
 * must be, a JSON string), a timestamp or a fixed word; {@link IdField} writes the id the same way in Java.
 */
public enum ExportFormat {
    CSV("csv", "text/csv", "", "\n", ""),
    JSON("json", "application/json", "[\n", ",\n", "\n]\n"),
    NDJSON("ndjson", "application/x-ndjson", "", "\n", "");

    private static final String ADDED_AT = "to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    private final String wire;
    private final String contentType;
    private final String prefix;
    private final String separator;
    private final String suffix;

    ExportFormat(String wire, String contentType, String prefix, String separator, String suffix) {
        this.wire = wire;
        this.contentType = contentType;
        this.prefix = prefix;
        this.separator = separator;
        this.suffix = suffix;
    }

    public static Optional<ExportFormat> of(String wire) {
        return Arrays.stream(values()).filter(f -> f.wire.equals(wire)).findFirst();
    }

    public String wire() {
        return wire;
    }

    public String extension() {
        return wire;
    }

    public String contentType() {
        return contentType;
    }

    /** What comes before the first line: the CSV header, the JSON array's bracket. */
    public String prefix(ExportMode mode) {
        return this == CSV ? "user_id," + (mode == ExportMode.FULL ? "added_at" : "change") + "\n" : prefix;
    }

    /** Written after each line but the last for JSON, after every line for CSV and NDJSON. */
    public String separator() {
        return separator;
    }

    /** True when the separator also ends the last line. */
    public boolean terminatesLines() {
        return this != JSON;
    }

    public String suffix() {
        return suffix;
    }

    /**
     * The SQL expression of one member's line, over columns {@code user_id}, {@code external_id} (the
     * external id of an allocated id, NULL for an id that reads as its number: see
     * {@link dev.segments.user.UserIdSql#allocated}), {@code added_at} (full mode) or {@code change}
     * ({@code entered} / {@code left}, diff mode).
     */
    public String lineSql(ExportMode mode) {
        String second = mode == ExportMode.FULL ? ADDED_AT : "change";
        if (this == CSV) {
            return "CASE WHEN external_id IS NULL THEN user_id::text WHEN external_id ~ '[\",\\r\\n]' "
                    + "THEN '\"' || replace(external_id, '\"', '\"\"') || '\"' ELSE external_id END || ',' || " + second;
        }
        return "'{\"user_id\":' || CASE WHEN external_id IS NULL THEN '\"' || user_id || '\"' ELSE to_json(external_id)::text END || '"
                + (mode == ExportMode.FULL ? ",\"added_at\"" : ",\"change\"") + ":\"' || " + second + " || '\"}'";
    }
}
