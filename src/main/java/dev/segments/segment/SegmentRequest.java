package dev.segments.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleException;
import dev.segments.rule.RuleParser;
import java.util.ArrayList;
import java.util.List;

/** A validated body of {@code POST} or {@code PUT /api/v1/segments}. */
public record SegmentRequest(String name, String description, Rule rule) {

    private static final int MAX_NAME = 255;
    private static final int MAX_DESCRIPTION = 10_000;

    /** Checks every field and reports all problems at once, each with its JSON Pointer. */
    public static SegmentRequest from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("", "the body must be a JSON object with name, description and rules");
        }
        List<FieldError> errors = new ArrayList<>();
        String name = text(body.get("name"), "/name", MAX_NAME, true, errors);
        String description = text(body.get("description"), "/description", MAX_DESCRIPTION, false, errors);
        Rule rule = null;
        JsonNode rules = body.get("rules");
        if (rules == null || rules.isNull()) {
            errors.add(new FieldError("/rules", "rules is required"));
        } else {
            try {
                rule = RuleParser.parse(rules, "/rules");
            } catch (RuleException e) {
                e.errors().forEach(error -> errors.add(new FieldError(error.pointer(), error.message())));
            }
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!List.of("name", "description", "rules").contains(field)) {
                errors.add(new FieldError("/" + field.replace("~", "~0").replace("/", "~1"), "unknown field"));
            }
        });
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        return new SegmentRequest(name, description, rule);
    }

    private static String text(JsonNode node, String pointer, int max, boolean required, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(pointer, pointer.substring(1) + " is required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(pointer, "must be a string"));
            return null;
        }
        String value = node.textValue();
        int length = value.codePointCount(0, value.length());
        if (required && value.isBlank()) {
            errors.add(new FieldError(pointer, "must not be blank"));
        } else if (length > max) {
            errors.add(new FieldError(pointer, "must have at most " + max + " characters"));
        } else if (value.indexOf('\0') >= 0) {
            errors.add(new FieldError(pointer, "must not contain the character U+0000"));
        }
        return value;
    }
}
