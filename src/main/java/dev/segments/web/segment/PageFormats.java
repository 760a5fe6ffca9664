package dev.segments.web.segment;

import dev.segments.web.Formats;
import io.quarkus.qute.TemplateExtension;
import java.time.Duration;
import java.time.Instant;

/** Small formats of the segment page, under the {@code seg:} namespace: {@code {seg:badge(job.status)}}. */
@TemplateExtension(namespace = "seg")
public final class PageFormats {

    private PageFormats() {
    }

    /** The badge class of a job or export status. */
    public static String badge(String status) {
        return switch (status == null ? "" : status) {
            case "completed" -> "ok";
            case "failed" -> "bad";
            case "running", "queued" -> "run";
            default -> "warn";
        };
    }

    /** How long a job took, or "—" while it runs. */
    public static String duration(Instant started, Instant completed) {
        return started == null || completed == null ? "—" : Formats.millis(Duration.between(started, completed).toMillis());
    }

    /** Null-safe forms of the shared formats (Qute does not call an extension on a null value). */
    public static String count(Long value) {
        return Formats.grouped(value);
    }

    public static String utc(Instant at) {
        return Formats.utc(at);
    }

    public static String ago(Instant at) {
        return Formats.ago(at);
    }
}
