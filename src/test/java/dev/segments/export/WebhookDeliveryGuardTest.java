package dev.segments.export;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Delivery checks the URL again: a host that now resolves to an internal address is refused, not retried. */
class WebhookDeliveryGuardTest {

    @Test
    void shouldRefuseADeliveryWhoseHostNowResolvesInside() {
        AtomicInteger lookups = new AtomicInteger();
        // DNS rebinding: the host resolved to a public address when the destination was created, now to loopback
        WebhookGuard guard = new WebhookGuard(false, List.of(), host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        });
        Destination destination = new Destination(1, "rebound", Destination.WEBHOOK, null, "http://rebound.example:1/hook",
                "whsec_c2VjcmV0c2VjcmV0c2VjcmV0", 10, 1000, 5, null, null);
        WebhookDelivery delivery = new WebhookDelivery(HttpClient.newHttpClient(),
                new Backoff(Duration.ZERO, Duration.ZERO, () -> 0), () -> { }, guard);
        WebhookDelivery.Failed failed = assertThrows(WebhookDelivery.Failed.class, () -> delivery.send(destination,
                "msg_test", "application/json", Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(failed.getMessage().contains("internal address"), failed.getMessage());
        assertTrue(failed.getMessage().contains("not retried"), failed.getMessage());
        assertTrue(lookups.get() == 1, "one check, no retries: " + lookups.get());
    }
}
