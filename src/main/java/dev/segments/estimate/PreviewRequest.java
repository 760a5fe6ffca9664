package dev.segments.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.rule.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated preview body: {@code {"rules"}}. The body of the {@code PUT} that would save the rules
 * is accepted as is: its {@code name} and {@code description} are ignored.
 */
public record PreviewRequest(Rule rule) {

    private static final Set<String> KNOWN = Set.of("rules", "name", "description");

    public static PreviewRequest from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("", "the body must be a JSON object with rules");
        }
        List<FieldError> errors = new ArrayList<>();
        Rule rule = EstimateRequest.rule(body.get("rules"), errors);
        body.fieldNames().forEachRemaining(field -> {
            if (!KNOWN.contains(field)) {
                errors.add(new FieldError("/" + field.replace("~", "~0").replace("/", "~1"), "unknown field"));
            }
        });
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        return new PreviewRequest(rule);
    }
}
