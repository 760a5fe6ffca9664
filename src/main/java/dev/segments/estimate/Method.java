package dev.segments.estimate;

import java.util.Arrays;
import java.util.Optional;

/** How an estimate is made: the engine's choice, always a sample, or always an exact count. */
public enum Method {
    /** A sample, unless the population is small or the sample matched too few users: then exact. */
    AUTO("auto"),
    /** Always a sample, even of a small population (used by the accuracy benchmark). */
    SAMPLE("sample"),
    /** Always an exact count of every user. */
    EXACT("exact");

    private final String wire;

    Method(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    static Optional<Method> fromWire(String text) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(text)).findFirst();
    }
}
