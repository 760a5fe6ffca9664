package dev.segments.rule;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The units of a {@link RuleValue.Span}: fixed lengths of time (a day is 24 hours, a week 7 days, all in UTC). */
public enum SpanUnit {
    MINUTES("minutes", 60L * 1_000_000),
    HOURS("hours", 3_600L * 1_000_000),
    DAYS("days", 86_400L * 1_000_000),
    WEEKS("weeks", 604_800L * 1_000_000);

    /** The wire names, for error messages. */
    static final String NAMES = Arrays.stream(values()).map(u -> "\"" + u.wire + "\"").collect(Collectors.joining(", "));

    private final String wire;
    private final long micros;

    SpanUnit(String wire, long micros) {
        this.wire = wire;
        this.micros = micros;
    }

    /** The name used in JSON, e.g. {@code "days"}. */
    public String wire() {
        return wire;
    }

    /** The length of one unit in microseconds. */
    long micros() {
        return micros;
    }

    /** The unit with this wire name; names are case-sensitive. */
    public static Optional<SpanUnit> fromWire(String wire) {
        return Arrays.stream(values()).filter(u -> u.wire.equals(wire)).findFirst();
    }
}
