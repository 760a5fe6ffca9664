package dev.segments.web.alerts;

import java.time.Instant;

/** One drift alert with its segment's name. */
public record AlertRow(long id, long segmentId, String segmentName, String kind, String detail, Instant openedAt,
        Instant clearedAt, Instant acknowledgedAt) {

    public boolean isAcknowledged() {
        return acknowledgedAt != null;
    }

    public boolean isOngoing() {
        return clearedAt == null;
    }
}
