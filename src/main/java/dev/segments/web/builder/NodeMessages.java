package dev.segments.web.builder;

import dev.segments.estimate.Estimate;
import dev.segments.problem.Problem;
import dev.segments.problem.Problem.FieldError;
import dev.segments.web.Formats;
import dev.segments.web.builder.EstimatePanel.Slot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each message of an answer goes in the builder: errors whose JSON Pointer lies inside the rule
 * go to the node it names (the deepest node whose pointer prefixes it); the rest (the name, the body)
 * are shown once, above the tree or beside the name.
 */
record NodeMessages(Map<String, List<String>> byNode, List<String> general) {

    static NodeMessages none() {
        return new NodeMessages(Map.of(), List.of());
    }

    /** Errors of an estimate: those outside the rule are general. */
    static NodeMessages ofEstimate(RuleJson rule, List<FieldError> errors) {
        Map<String, List<String>> byNode = new HashMap<>();
        List<String> general = new ArrayList<>();
        for (FieldError error : errors == null ? List.<FieldError>of() : errors) {
            String path = rule.pathOf(error.pointer());
            if (path == null) {
                general.add(error.message());
            } else {
                byNode.computeIfAbsent(path, p -> new ArrayList<>()).add(error.message());
            }
        }
        return new NodeMessages(byNode, general);
    }

    /** Errors of a save: the name's and the body's are general (shown beside the name), the rest at nodes. */
    static NodeMessages ofSave(RuleJson rule, Problem problem) {
        Map<String, List<String>> byNode = new HashMap<>();
        List<String> general = new ArrayList<>();
        List<FieldError> errors = problem.errors() == null ? List.of(new FieldError("", problem.detail())) : problem.errors();
        for (FieldError error : errors) {
            String path = rule.pathOf(error.pointer());
            if (path == null) {
                general.add(error.message());
            } else {
                byNode.computeIfAbsent(path, p -> new ArrayList<>()).add(error.message());
            }
        }
        return new NodeMessages(byNode, general);
    }

    /** One slot per node of the tree: its count from the estimate (if any) and its errors. */
    List<Slot> slots(BuilderTree tree, RuleJson rule, Estimate estimate) {
        boolean exact = estimate != null && "exact".equals(estimate.method());
        Map<String, Estimate.Node> counts = estimate == null || estimate.nodes() == null ? Map.of() : estimate.nodes();
        List<Slot> slots = new ArrayList<>();
        for (var entry : tree.walk()) {
            String path = entry.getKey();
            Estimate.Node count = counts.get(rule.pointers().get(path));
            String text = count == null ? "" : (exact ? "" : "≈ ") + Formats.grouped(count.estimate());
            String title = count == null ? "" : exact ? "exact count"
                    : "95% interval " + Formats.grouped(count.ci95Low()) + " – " + Formats.grouped(count.ci95High());
            slots.add(new Slot(path, text, title, byNode.getOrDefault(path, List.of())));
        }
        return slots;
    }
}
