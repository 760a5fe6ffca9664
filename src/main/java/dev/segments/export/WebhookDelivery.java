package dev.segments.export;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Sends one batch to a webhook until it is accepted (2xx), with a fresh Standard Webhooks signature
 * per attempt and the same {@code webhook-id} on every attempt (the consumer's idempotency key).
 * 5xx, 408, 429, timeouts and connection failures are retried after {@link Backoff} delays; any other
 * answer is a permanent failure. A URL that now resolves to an internal address ({@link WebhookGuard})
 * is refused before the request is sent, and is not retried.
 */
final class WebhookDelivery {

    private final HttpClient http;
    private final Backoff backoff;
    private final Runnable heartbeat;
    private final WebhookGuard guard;

    WebhookDelivery(HttpClient http, Backoff backoff, Runnable heartbeat, WebhookGuard guard) {
        this.http = http;
        this.guard = guard;
        this.backoff = backoff;
        this.heartbeat = heartbeat;
    }

    /** A batch that could not be delivered; {@link #getMessage()} says why, for the export's error. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    void send(Destination destination, String webhookId, String contentType, Map<String, String> headers, byte[] body)
            throws Failed, InterruptedException {
        for (int attempt = 1;; attempt++) {
            // DNS may have changed since the destination was created: check again before every attempt
            Optional<String> refusal = guard.refusal(destination.url());
            if (refusal.isPresent()) {
                throw new Failed(webhookId + ": refused, " + refusal.get() + " (not retried)");
            }
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(destination.url()))
                    .timeout(Duration.ofMillis(destination.timeoutMs()))
                    .header("content-type", contentType)
                    .header("webhook-id", webhookId)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", WebhookSigner.sign(destination.secret(), webhookId, timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            String outcome;
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return;
                }
                outcome = "HTTP " + status;
                if (!retryable(status)) {
                    throw new Failed(webhookId + ": " + outcome + " (not retried)");
                }
                retryAfter = Backoff.parseRetryAfter(response.headers().firstValue("retry-after").orElse(null), Instant.now());
            } catch (HttpTimeoutException e) {
                outcome = "timed out after " + destination.timeoutMs() + " ms";
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt >= destination.maxAttempts()) {
                throw new Failed(webhookId + ": " + outcome + " after " + attempt + " attempts");
            }
            Thread.sleep(backoff.delay(attempt, retryAfter).toMillis());
            heartbeat.run();
        }
    }

    static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }
}
