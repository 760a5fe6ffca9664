package dev.segments.export;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Waits between delivery attempts: exponential backoff with full jitter (a uniformly random wait up
 * to {@code base × 2^(attempt-1)}, capped), so receivers recovering from an outage are not hit by
 * every sender at once; a receiver's {@code Retry-After} (seconds or HTTP date) is a floor, within the cap.
 */
public record Backoff(Duration base, Duration max, DoubleSupplier random) {

    /** The wait after the given failed attempt (1 for the first). */
    public Duration delay(int attempt, Optional<Duration> retryAfter) {
        long ceiling = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt - 1, 30));
        long jittered = (long) (random.getAsDouble() * ceiling);
        long floor = retryAfter.map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.min(max.toMillis(), Math.max(floor, jittered)));
    }

    /** Parses a {@code Retry-After} value: delta seconds or an HTTP date; empty when absent or unreadable. */
    public static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
