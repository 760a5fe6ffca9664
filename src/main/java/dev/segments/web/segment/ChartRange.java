package dev.segments.web.segment;

import java.time.Duration;
import java.time.Instant;

/** The time ranges the drift chart offers; {@code ALL} starts at the first compute. */
public enum ChartRange {
    D7("7d", "7 days", Duration.ofDays(7)),
    D30("30d", "30 days", Duration.ofDays(30)),
    D90("90d", "90 days", Duration.ofDays(90)),
    ALL("all", "all time", null);

    private final String param;
    private final String label;
    private final Duration length;

    ChartRange(String param, String label, Duration length) {
        this.param = param;
        this.label = label;
        this.length = length;
    }

    public String param() {
        return param;
    }

    public String label() {
        return label;
    }

    /** The start of the range ending at {@code now}; {@code null} for all time. */
    public Instant from(Instant now) {
        return length == null ? null : now.minus(length);
    }

    /** The range named {@code param}; 30 days when absent or unknown. */
    public static ChartRange of(String param) {
        for (ChartRange range : values()) {
            if (range.param.equals(param)) {
                return range;
            }
        }
        return D30;
    }
}
