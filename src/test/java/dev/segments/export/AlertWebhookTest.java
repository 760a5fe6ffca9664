package dev.segments.export;

import static dev.segments.testing.Api.createSegmentAndWait;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.drift.AlertService;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drift alerts sent to a webhook destination: signed like export batches, retried by the next dispatch
 * with the same {@code webhook-id} after a failure, and marked notified only once delivered.
 * Attribute {@code alerthook_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AlertWebhookTest {

    @Inject
    AlertService alerts;

    @Test
    void shouldDeliverATrippedAlertSignedAndRetryItAfterAFailure() throws Exception {
        long segment = createSegmentAndWait("alert webhook", "{\"attribute\": \"alerthook_a\", \"op\": \"eq\", \"value\": 1}");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonPath created = given().contentType(ContentType.JSON).body("{\"name\": \"alert hook\", \"type\": \"webhook\", "
                    + "\"url\": \"" + receiver.url() + "\", \"timeout_ms\": 5000}")
                    .post("/api/v1/destinations").then().statusCode(201).extract().jsonPath();
            receiver.secret(created.getString("secret"));
            long destination = created.getLong("id");
            given().contentType(ContentType.JSON).body("{\"stale_after_hours\": 1, \"destination_id\": " + destination + "}")
                    .put("/api/v1/segments/" + segment + "/alert-settings").then().statusCode(200);
            alerts.checkStale(Instant.now().plus(Duration.ofMinutes(90))).await().atMost(Duration.ofSeconds(30));
            Map<String, Object> alert = alertOf(segment);
            String webhookId = "msg_alert" + alert.get("id");

            receiver.then(503, null, false);
            assertThrows(RuntimeException.class, () -> alerts.dispatch().await().atMost(Duration.ofSeconds(30)));
            assertNull(alertOf(segment).get("notified_at"), "a failed delivery leaves the alert to the next dispatch");

            alerts.dispatch().await().atMost(Duration.ofSeconds(30));
            assertNotNull(alertOf(segment).get("notified_at"));
            List<WebhookReceiver.Attempt> mine = receiver.attempts().stream()
                    .filter(a -> webhookId.equals(a.webhookId())).toList();
            assertEquals(List.of(503, 204), mine.stream().map(WebhookReceiver.Attempt::answered).toList());
            assertTrue(mine.stream().allMatch(WebhookReceiver.Attempt::signatureValid), "every attempt is signed");
            JsonNode body = new ObjectMapper().readTree(receiver.accepted().get(webhookId));
            assertEquals("segment.drift_alert", body.path("type").asText());
            assertEquals(segment, body.path("alert").path("segment_id").asLong());
            assertEquals("stale", body.path("alert").path("kind").asText());

            alerts.dispatch().await().atMost(Duration.ofSeconds(30));
            assertEquals(2, receiver.attempts().stream().filter(a -> webhookId.equals(a.webhookId())).count(),
                    "a delivered alert is not sent again");
        }
    }

    private static Map<String, Object> alertOf(long segment) {
        List<Map<String, Object>> alerts = given().get("/api/v1/alerts?segment_id=" + segment).then().statusCode(200)
                .extract().jsonPath().getList("alerts");
        assertEquals(1, alerts.size(), alerts.toString());
        return alerts.get(0);
    }
}
