package dev.segments.rule;

import java.util.ArrayList;
import java.util.List;

/** Collects {@link RuleError}s while a rule is parsed. */
final class Problems {
    private final List<RuleError> errors = new ArrayList<>();

    void add(String pointer, String message) {
        errors.add(new RuleError(pointer, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    List<RuleError> errors() {
        return List.copyOf(errors);
    }

    /** The pointer of member {@code key} under {@code pointer}, escaped as RFC 6901 requires. */
    static String child(String pointer, String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    static String child(String pointer, int index) {
        return pointer + "/" + index;
    }
}
