package dev.segments.web.segments;

import java.time.Instant;

/**
 * One line of the segments list: the segment with its member count, recent sizes, last compute and
 * open alerts.
 *
 * @param jobStatus status of the newest compute job ({@code running}, {@code completed}, {@code failed}), null if never computed
 */
public record SegmentRow(long id, String name, long memberCount, Sparkline sizes, Instant lastComputedAt,
        String jobStatus, String jobError, long openAlerts) {

    public String statusBadge() {
        if (jobStatus == null) {
            return "";
        }
        return switch (jobStatus) {
            case "completed" -> "ok";
            case "failed" -> "bad";
            default -> "run";
        };
    }
}
