package dev.segments.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.drift.Alert;
import dev.segments.drift.AlertNotifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Sends tripped drift alerts to webhook destinations, signed like export batches. One attempt per
 * dispatch: the alert stays unnotified on failure and the next dispatch tries again with the same
 * {@code webhook-id} ({@code msg_alert<id>}), so a receiver that deduplicates sees it once. An alert
 * pointed at a destination that is gone or is a directory cannot be delivered: it is logged and
 * counted as handled, so it does not block the queue.
 */
@ApplicationScoped
public class WebhookAlertNotifier implements AlertNotifier {

    private static final Logger LOG = Logger.getLogger(WebhookAlertNotifier.class);

    private final Pool pool;
    private final DestinationStore destinations;
    private final ObjectMapper json;
    private final WebhookDelivery delivery;

    public WebhookAlertNotifier(Pool pool, DestinationStore destinations, ObjectMapper json, WebhookGuard guard) {
        this.pool = pool;
        this.destinations = destinations;
        this.json = json;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.delivery = new WebhookDelivery(http, new Backoff(Duration.ZERO, Duration.ZERO, () -> 0), () -> { }, guard);
    }

    @Override
    public Uni<Void> send(Alert alert, long destinationId) {
        return pool.withConnection(conn -> destinations.find(conn, destinationId))
                .chain(found -> {
                    Optional<Destination> webhook = found.filter(Destination::isWebhook);
                    if (webhook.isEmpty()) {
                        LOG.warnf("Drift alert %d: destination %d is %s; the alert is only listed", alert.id(),
                                destinationId, found.isEmpty() ? "gone" : "not a webhook");
                        return Uni.createFrom().voidItem();
                    }
                    return Uni.createFrom().item(() -> {
                        post(alert, oneAttempt(webhook.get()));
                        return null;
                    }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).replaceWithVoid();
                });
    }

    private void post(Alert alert, Destination destination) {
        ObjectNode body = json.createObjectNode().put("type", "segment.drift_alert");
        body.set("alert", json.valueToTree(alert));
        try {
            delivery.send(destination, "msg_alert" + alert.id(), "application/json", Map.of("segments-alert-id",
                    Long.toString(alert.id())), json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
        } catch (WebhookDelivery.Failed e) {
            throw new IllegalStateException("Drift alert " + alert.id() + " not delivered: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending drift alert " + alert.id(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Destination oneAttempt(Destination d) {
        return new Destination(d.id(), d.name(), d.type(), d.path(), d.url(), d.secret(), d.batchSize(), d.timeoutMs(), 1,
                d.createdAt(), null);
    }
}
