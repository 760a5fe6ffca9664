package dev.segments.export;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * An export job as the API shows it. {@code total_count} is the number of members (full) or changes
 * (diff) to send, known once the export has read them; {@code entered_count} / {@code left_count} are
 * the changes since the destination's last successful export.
 */
public record ExportView(long id, long segmentId, long destinationId, String format, String mode, String status,
        String triggeredBy, Long computeJobId, int attempts, Long totalCount, Long enteredCount, Long leftCount,
        long sentCount, int batchesSent, String fileName, String sha256, String error, Instant createdAt,
        Instant startedAt, Instant completedAt, @JsonIgnore boolean staged, @JsonIgnore long sentThrough) {

    /** Share of the members sent so far, 0 to 1 (1 once completed). */
    @JsonProperty("progress")
    public double progress() {
        if ("completed".equals(status)) {
            return 1.0;
        }
        return totalCount == null || totalCount == 0 ? 0.0 : Math.min(1.0, (double) sentCount / totalCount);
    }

    public ExportFormat exportFormat() {
        return ExportFormat.of(format).orElseThrow();
    }

    public ExportMode exportMode() {
        return ExportMode.of(mode).orElseThrow();
    }
}
