package dev.segments.web.destinations;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.problem.Problem.FieldError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A create form of one kind of destination: what was typed, and the problems the service found, by
 * field (the service's JSON pointer {@code /url} is the field {@code url}).
 */
public record DestinationForm(String type, Map<String, String> values, Map<String, String> errors, String general) {

    static final List<String> DIRECTORY_FIELDS = List.of("name", "path");
    static final List<String> WEBHOOK_FIELDS = List.of("name", "url", "batch_size", "timeout_ms", "max_attempts");
    private static final List<String> NUMBERS = List.of("batch_size", "timeout_ms", "max_attempts");

    static DestinationForm empty(String type) {
        return new DestinationForm(type, Map.of(), Map.of(), null);
    }

    /** The typed values of this kind's fields (blank ones left out). */
    static DestinationForm typed(String type, Map<String, String> form) {
        Map<String, String> values = new HashMap<>();
        for (String field : fields(type)) {
            String value = form.get(field);
            if (value != null && !value.isBlank()) {
                values.put(field, value.trim());
            }
        }
        return new DestinationForm(type, Map.copyOf(values), Map.of(), null);
    }

    /** The request body the destination service reads; a number field that is not a number goes as text, so it is reported. */
    ObjectNode body() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", type);
        values.forEach((field, value) -> {
            if (NUMBERS.contains(field) && value.matches("-?\\d{1,18}")) {
                body.put(field, Long.parseLong(value));
            } else {
                body.put(field, value);
            }
        });
        return body;
    }

    DestinationForm withErrors(List<FieldError> problems, String detail) {
        Map<String, String> byField = new HashMap<>();
        StringBuilder other = new StringBuilder();
        for (FieldError problem : problems) {
            String field = problem.pointer() == null ? "" : problem.pointer().replaceFirst("^/", "");
            if (fields(type).contains(field)) {
                byField.merge(field, problem.message(), (a, b) -> a + "; " + b);
            } else {
                other.append(other.isEmpty() ? "" : "; ").append(problem.message());
            }
        }
        String general = !other.isEmpty() ? other.toString() : byField.isEmpty() ? detail : null;
        return new DestinationForm(type, values, Map.copyOf(byField), general);
    }

    private static List<String> fields(String type) {
        return "webhook".equals(type) ? WEBHOOK_FIELDS : DIRECTORY_FIELDS;
    }

    public String value(String field) {
        return values.getOrDefault(field, "");
    }

    public String error(String field) {
        return errors.get(field);
    }

    public boolean hasError(String field) {
        return errors.containsKey(field);
    }
}
