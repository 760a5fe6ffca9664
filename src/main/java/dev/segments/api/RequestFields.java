package dev.segments.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads the fields of a JSON object body, collecting every problem with its pointer; {@link #done()} throws them. */
public final class RequestFields {

    private final JsonNode body;
    private final List<FieldError> errors = new ArrayList<>();

    public RequestFields(JsonNode body, Set<String> known) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("", "the body must be a JSON object");
        }
        this.body = body;
        body.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                error(field.replace("~", "~0").replace("/", "~1"), "unknown field");
            }
        });
    }

    public String text(String field, boolean required, int maxLength) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                error(field, field + " is required");
            }
            return null;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            error(field, field + " must be a non-empty string");
            return null;
        }
        if (node.textValue().length() > maxLength) {
            error(field, field + " must be at most " + maxLength + " characters");
            return null;
        }
        return node.textValue();
    }

    public Integer integer(String field, int min, int max, Integer fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToLong() || !node.isIntegralNumber() || node.longValue() < min || node.longValue() > max) {
            error(field, field + " must be an integer between " + min + " and " + max);
            return null;
        }
        return node.intValue();
    }

    /** A positive id, required. */
    public long id(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            error(field, field + " is required");
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1) {
            error(field, field + " must be a positive integer");
            return 0;
        }
        return node.longValue();
    }

    public void error(String field, String message) {
        errors.add(new FieldError("/" + field, message));
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    public void done() {
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
    }
}
