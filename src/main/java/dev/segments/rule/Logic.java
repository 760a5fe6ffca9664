package dev.segments.rule;

import java.util.Optional;

/**
 * The logic of a {@link Group}. {@code AND} holds when every child holds (an empty AND holds),
 * {@code OR} when at least one child holds (an empty OR does not), {@code NOT} has exactly one child
 * and inverts it. Logic is two-valued: there is no "unknown".
 */
public enum Logic {
    AND,
    OR,
    NOT;

    /** The logic whose wire name is {@code name}; names are case-sensitive ({@code "AND"}, not {@code "and"}). */
    public static Optional<Logic> fromWire(String name) {
        for (Logic logic : values()) {
            if (logic.name().equals(name)) {
                return Optional.of(logic);
            }
        }
        return Optional.empty();
    }
}
