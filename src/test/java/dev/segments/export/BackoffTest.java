package dev.segments.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Backoff HIGHEST = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), () -> 0.999999);
    private static final Backoff LOWEST = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), () -> 0.0);

    @Test
    void shouldDoubleTheJitterCeilingPerAttemptUpToTheCap() {
        assertEquals(99, HIGHEST.delay(1, Optional.empty()).toMillis());
        assertEquals(199, HIGHEST.delay(2, Optional.empty()).toMillis());
        assertEquals(399, HIGHEST.delay(3, Optional.empty()).toMillis());
        assertEquals(4999, HIGHEST.delay(20, Optional.empty()).toMillis());
        assertEquals(4999, HIGHEST.delay(200, Optional.empty()).toMillis());
        assertEquals(0, LOWEST.delay(3, Optional.empty()).toMillis());
    }

    @Test
    void shouldWaitAtLeastRetryAfterWithinTheCap() {
        assertEquals(2000, LOWEST.delay(1, Optional.of(Duration.ofSeconds(2))).toMillis());
        assertEquals(5000, LOWEST.delay(1, Optional.of(Duration.ofHours(1))).toMillis());
    }

    @Test
    void shouldParseRetryAfterAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        assertEquals(Optional.of(Duration.ofSeconds(7)), Backoff.parseRetryAfter(" 7 ", now));
        assertEquals(Optional.of(Duration.ofSeconds(30)), Backoff.parseRetryAfter("Mon, 23 Nov 2026 10:00:30 GMT", now));
        assertEquals(Optional.of(Duration.ZERO), Backoff.parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now));
        assertEquals(Optional.empty(), Backoff.parseRetryAfter("soon", now));
        assertEquals(Optional.empty(), Backoff.parseRetryAfter(null, now));
    }
}
