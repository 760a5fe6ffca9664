package dev.segments.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleException;
import dev.segments.rule.RuleParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated estimate request: {@code {"rules", "sample_percent"?, "per_node"?, "method"?}}; the
 * estimate of a saved segment takes the same body without {@code rules}.
 *
 * @param rule the rule to estimate; null for a saved segment's (read later)
 * @param samplePercent share of the users sampled, 0 &lt; p ≤ 100
 * @param perNode whether every group and condition gets its own estimate
 */
public record EstimateRequest(Rule rule, double samplePercent, boolean perNode, Method method) {

    /** Parses a body; {@code withRules} says whether {@code rules} is required (or not allowed). */
    public static EstimateRequest from(JsonNode body, boolean withRules, double defaultPercent) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            if (withRules) {
                throw ProblemException.badRequest("/rules", "rules is required");
            }
            return new EstimateRequest(null, defaultPercent, false, Method.AUTO);
        }
        if (!body.isObject()) {
            throw ProblemException.badRequest("", "the body must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        Rule rule = withRules ? rule(body.get("rules"), errors) : null;
        double percent = percent(body.get("sample_percent"), defaultPercent, errors);
        boolean perNode = perNode(body.get("per_node"), errors);
        Method method = method(body.get("method"), errors);
        Set<String> known = withRules ? Set.of("rules", "sample_percent", "per_node", "method")
                : Set.of("sample_percent", "per_node", "method");
        body.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                errors.add(new FieldError("/" + field.replace("~", "~0").replace("/", "~1"), "unknown field"));
            }
        });
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        return new EstimateRequest(rule, percent, perNode, method);
    }

    static Rule rule(JsonNode rules, List<FieldError> errors) {
        if (rules == null || rules.isNull()) {
            errors.add(new FieldError("/rules", "rules is required"));
            return null;
        }
        try {
            return RuleParser.parse(rules, "/rules");
        } catch (RuleException e) {
            e.errors().forEach(error -> errors.add(new FieldError(error.pointer(), error.message())));
            return null;
        }
    }

    private static double percent(JsonNode node, double fallback, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || !(node.doubleValue() > 0 && node.doubleValue() <= 100)) {
            errors.add(new FieldError("/sample_percent", "sample_percent must be a number above 0 and at most 100"));
            return fallback;
        }
        return node.doubleValue();
    }

    private static boolean perNode(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            errors.add(new FieldError("/per_node", "per_node must be true or false"));
            return false;
        }
        return node.booleanValue();
    }

    private static Method method(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return Method.AUTO;
        }
        Method method = node.isTextual() ? Method.fromWire(node.textValue()).orElse(null) : null;
        if (method == null) {
            errors.add(new FieldError("/method", "method must be \"auto\", \"sample\" or \"exact\""));
            return Method.AUTO;
        }
        return method;
    }

    public EstimateRequest withRule(Rule savedRule) {
        return new EstimateRequest(savedRule, samplePercent, perNode, method);
    }

    /** The cache key: equal for requests that must get the same answer from the same data. */
    String cacheKey() {
        return method.wire() + '|' + samplePercent + '|' + perNode + '|' + rule.canonical();
    }
}
