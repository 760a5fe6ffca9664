package dev.segments.web.builder;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of the builder's list editor ({@code in} / {@code not_in}): values separated by commas,
 * the way a spreadsheet writes them. A value that holds a comma or a double quote, starts or ends
 * with a space, or is empty is written in double quotes with every quote inside doubled
 * ({@code "Smith, John"}, {@code "say ""hi"""}), so that loading a rule into the builder and saving it
 * again gives back exactly its values. Reading also takes what people type: unquoted values are
 * trimmed, and empty unquoted items (a trailing comma) are dropped.
 */
final class ListText {

    private ListText() {
    }

    static String join(List<String> values) {
        StringBuilder text = new StringBuilder();
        for (String value : values) {
            text.append(text.isEmpty() ? "" : ", ").append(needsQuotes(value) ? quoted(value) : value);
        }
        return text.toString();
    }

    static List<String> split(String text) {
        List<String> values = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (at < text.length() && text.charAt(at) == '"') {
                StringBuilder value = new StringBuilder();
                at = readQuoted(text, at + 1, value);
                int comma = text.indexOf(',', at);
                int end = comma < 0 ? text.length() : comma;
                value.append(text.substring(at, end).stripTrailing()); // a stray text after the closing quote is kept
                values.add(value.toString());
                at = end + 1;
            } else {
                int comma = text.indexOf(',', at);
                int end = comma < 0 ? text.length() : comma;
                String value = text.substring(at, end).strip();
                if (!value.isEmpty()) {
                    values.add(value);
                }
                at = end + 1;
            }
        }
        return values;
    }

    /** Reads a quoted value's content from {@code at} (after the opening quote); returns the index after the closing quote. */
    private static int readQuoted(String text, int at, StringBuilder value) {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != '"') {
                value.append(c);
                at++;
            } else if (at + 1 < text.length() && text.charAt(at + 1) == '"') {
                value.append('"');
                at += 2;
            } else {
                return at + 1;
            }
        }
        return at; // no closing quote: the rest of the text is the value
    }

    private static boolean needsQuotes(String value) {
        return value.isEmpty() || value.indexOf(',') >= 0 || value.indexOf('"') >= 0
                || Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1));
    }

    private static String quoted(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
