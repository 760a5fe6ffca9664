package dev.segments.user;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One NDJSON line of an import, checked and written as a row of the staging table in {@code COPY}'s
 * text format: line number, internal id (numeric ids) or external id (others), the attributes without
 * their null values (absent, as a PATCH with null makes them), and their {@code attribute_times}, every
 * attribute at the import's time. A bad line is a 400 naming it: {@code /<line>} for JSON that does not
 * parse, {@code /<line>/user_id} or {@code /<line>/attributes/...} for a bad field. Not thread-safe:
 * one per import.
 */
final class ImportLine {

    private final ObjectReader json;
    private final String micros;
    private final StringBuilder row = new StringBuilder(1024);
    private final StringBuilder times = new StringBuilder(256);

    ImportLine(ObjectReader json, long micros) {
        this.json = json;
        this.micros = Long.toString(micros);
    }

    /** The staging row of this line, ending in a newline; throws a 400 problem when the line is bad. */
    CharSequence row(String line, long lineNumber) {
        String at = "/" + lineNumber;
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(at, "line " + lineNumber + " is not valid JSON: " + e.getOriginalMessage());
        }
        List<FieldError> errors = new ArrayList<>(1);
        boolean object = node != null && node.isObject();
        String userId = UserIds.fromJson(object ? node.get("user_id") : null, at + "/user_id", errors);
        AttributeValidator.check(object ? node.get("attributes") : null, at + "/attributes", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors.stream()
                    .map(error -> new FieldError(error.pointer(), "line " + lineNumber + ": " + error.message())).toList());
        }
        ObjectNode attributes = (ObjectNode) node.get("attributes");
        attributes.properties().removeIf(field -> field.getValue().isNull());
        row.setLength(0);
        row.append(lineNumber).append('\t');
        long numeric = UserIds.numeric(userId);
        if (numeric > 0) {
            row.append(numeric).append("\t\\N\t");
        } else {
            escape(userId, row.append("\\N\t"));
            row.append('\t');
        }
        escape(attributes.toString(), row);
        row.append('\t');
        escape(times(attributes), row);
        return row.append('\n');
    }

    /** Every attribute at the import's time, as a JSON object. */
    private String times(ObjectNode attributes) {
        times.setLength(0);
        times.append('{');
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext();) {
            times.append('"');
            JsonStringEncoder.getInstance().quoteAsString(it.next().getKey(), times);
            times.append("\":").append(micros);
            if (it.hasNext()) {
                times.append(',');
            }
        }
        return times.append('}').toString();
    }

    /**
     * Appends a value in COPY's text format: a backslash is doubled. Jackson writes control characters
     * in JSON as escapes and user ids have none, so no tab, newline or carriage return is left raw.
     */
    private static void escape(String value, StringBuilder out) {
        int from = 0;
        for (int i = value.indexOf('\\'); i >= 0; i = value.indexOf('\\', i + 1)) {
            out.append(value, from, i + 1).append('\\');
            from = i + 1;
        }
        out.append(value, from, value.length());
    }
}
