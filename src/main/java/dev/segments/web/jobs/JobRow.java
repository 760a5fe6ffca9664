package dev.segments.web.jobs;

import java.time.Duration;
import java.time.Instant;

/** One compute job in the jobs list, with its segment's name. */
public record JobRow(long id, long segmentId, String segmentName, String triggeredBy, String kind, String status,
        Instant startedAt, Instant completedAt, Long added, Long removed, Long memberCount, String error) {

    public boolean isRunning() {
        return "running".equals(status);
    }

    /** Milliseconds from start to end (to now while running). */
    public long durationMs() {
        Instant end = completedAt == null ? Instant.now() : completedAt;
        return Math.max(0, Duration.between(startedAt, end).toMillis());
    }

    public String badge() {
        return switch (status) {
            case "completed" -> "ok";
            case "failed" -> "bad";
            default -> "run";
        };
    }
}
