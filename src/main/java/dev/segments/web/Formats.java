package dev.segments.web;

import io.quarkus.qute.TemplateExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number and time formats shared by every page: {@code {count.grouped}}, {@code {at.ago}}, {@code {at.utc}}. */
@TemplateExtension
public final class Formats {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** 1234567 → "1,234,567". */
    public static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    public static String grouped(Long value) {
        return value == null ? "—" : grouped(value.longValue());
    }

    /** 0.1234 → "12.3%". */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    public static String utc(Instant at) {
        return at == null ? "—" : UTC.format(at);
    }

    public static String utc(OffsetDateTime at) {
        return at == null ? "—" : utc(at.toInstant());
    }

    /** "just now", "5 min ago", "3 h ago", "2 days ago". */
    public static String ago(Instant at) {
        if (at == null) {
            return "never";
        }
        long seconds = Duration.between(at, Instant.now()).getSeconds();
        if (seconds < 45) {
            return "just now";
        }
        if (seconds < 3600) {
            return Math.max(1, seconds / 60) + " min ago";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h ago";
        }
        long days = seconds / 86_400;
        return days == 1 ? "1 day ago" : days + " days ago";
    }

    public static String ago(OffsetDateTime at) {
        return at == null ? "never" : ago(at.toInstant());
    }

    /** 1234 ms → "1.2 s"; 85 → "85 ms". */
    public static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
