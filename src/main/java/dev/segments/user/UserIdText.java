package dev.segments.user;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * An external user id written into text: a CSV field (RFC 4180), a JSON string and a URL path segment.
 * The JSON form is exactly what PostgreSQL's {@code to_json(text)} writes, so lines rendered in Java and
 * in SQL ({@link UserIdSql}) stay byte for byte the same.
 */
public final class UserIdText {

    private UserIdText() {
    }

    /** The id as a CSV field: quoted, with its quotes doubled, when it holds a comma, a quote, CR or LF. */
    public static String csv(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return '"' + id.replace("\"", "\"\"") + '"';
            }
        }
        return id;
    }

    /**
     * The id as a JSON string with its quotes, escaped as PostgreSQL's {@code escape_json} does: {@code "}
     * and {@code \} with a backslash, {@code \b \f \n \r \t} by name, other control characters as
     * {@code \}{@code u00xx} (lowercase hex); everything else, non-ASCII too, as it is.
     */
    public static String json(String id) {
        StringBuilder out = new StringBuilder(id.length() + 2).append('"');
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The id as one URL path segment or query value: UTF-8, percent-encoded, a space as {@code %20}. */
    public static String url(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
