package dev.segments.export;

import java.util.Arrays;
import java.util.Optional;

/** Every current member, or only who entered or left since the destination's last successful export. */
public enum ExportMode {
    FULL, DIFF;

    public static Optional<ExportMode> of(String wire) {
        return Arrays.stream(values()).filter(m -> m.wire().equals(wire)).findFirst();
    }

    public String wire() {
        return name().toLowerCase();
    }
}
