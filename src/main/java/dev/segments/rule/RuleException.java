package dev.segments.rule;

import java.util.List;
import java.util.stream.Collectors;

/** A rule was rejected; {@link #errors()} lists every problem found, each with its JSON Pointer. */
public class RuleException extends RuntimeException {
    private final List<RuleError> errors;

    public RuleException(List<RuleError> errors) {
        super(errors.stream()
                .map(e -> e.pointer() + ": " + e.message())
                .collect(Collectors.joining("; ", "invalid rule: ", "")));
        this.errors = List.copyOf(errors);
    }

    /** The problems, in document order; never empty. */
    public List<RuleError> errors() {
        return errors;
    }
}
