package dev.segments.export;

import static dev.segments.export.ExportApiTest.awaitExport;
import static dev.segments.export.ExportApiTest.exportAndWait;
import static dev.segments.export.ExportApiTest.segmentWith;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Webhook exports against a real HTTP receiver started here, which checks every signature with its
 * own HMAC code and deduplicates by {@code webhook-id} like a consumer would. Users 7_200_000..7_200_999
 * and 9_100_000..9_130_000, attributes {@code hookexp_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class WebhookExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldSignRetryHonourRetryAfterAndLetTheConsumerSeeEveryBatchOnce() throws Exception {
        long segment = segmentWith("hookexp_retry", 7_200_001, 7_200_002, 7_200_003, 7_200_004, 7_200_005);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            long destination = webhook(receiver, "hookexp retry", 2, 5);
            receiver.then(500, null, false);    // batch 1: server error
            receiver.then(429, "1", false);     // batch 1: slow down, retry in one second
            receiver.then(204, null, true);     // batch 1: accepted
            receiver.then(500, null, true);     // batch 2: handled, but the answer says it failed
            receiver.then(204, null, true);     // batch 2 again, same webhook-id: the consumer drops it

            JsonPath done = exportAndWait(segment, destination, "json", "full", "completed");
            long id = done.getLong("id");
            assertEquals(5, done.getLong("total_count"));
            assertEquals(3, done.getInt("batches_sent"));

            List<WebhookReceiver.Attempt> attempts = receiver.attempts();
            assertTrue(attempts.stream().allMatch(WebhookReceiver.Attempt::signatureValid), attempts.toString());
            String batch1 = "msg_export" + id + "_batch1";
            String batch2 = "msg_export" + id + "_batch2";
            String batch3 = "msg_export" + id + "_batch3";
            assertEquals(List.of(batch1, batch1, batch1, batch2, batch2, batch3),
                    attempts.stream().map(WebhookReceiver.Attempt::webhookId).toList());
            assertTrue(attempts.get(2).receivedAtMillis() - attempts.get(1).receivedAtMillis() >= 950,
                    "Retry-After: 1 was not honoured: " + attempts);
            assertEquals(Map.of(batch1, 1, batch2, 1, batch3, 1), receiver.deliveries());

            List<Long> users = new ArrayList<>();
            for (String body : receiver.accepted().values()) {
                JsonNode data = JSON.readTree(body).path("data");
                assertEquals(id, data.path("export_id").asLong());
                assertEquals(3, data.path("batch_count").asInt());
                data.path("members").forEach(m -> users.add(m.path("user_id").asLong()));
            }
            assertEquals(List.of(7_200_001L, 7_200_002L, 7_200_003L, 7_200_004L, 7_200_005L), users);
        }
    }

    @Test
    void shouldResumeAFailedExportAtTheFirstBatchNotAcceptedAndOnlyThenMoveTheBaseline() throws Exception {
        long segment = segmentWith("hookexp_resume", 7_200_101, 7_200_102, 7_200_103, 7_200_104, 7_200_105);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            long destination = webhook(receiver, "hookexp resume", 2, 3);
            receiver.then(204, null, true);   // batch 1
            receiver.then(503, null, false);  // batch 2: retried
            receiver.then(400, null, false);  // batch 2: a client error is not retried

            JsonPath failed = exportAndWait(segment, destination, "ndjson", "diff", "failed");
            long id = failed.getLong("id");
            assertEquals(1, failed.getInt("batches_sent"));
            assertEquals(0.4, failed.getDouble("progress"), 1e-9);
            assertTrue(failed.getString("error").contains("_batch2: HTTP 400"), failed.getString("error"));
            assertEquals(3, receiver.attempts().size());

            putAttributes(7_200_106, "{\"hookexp_resume\": true}").statusCode(200); // joins after the failure
            given().post("/api/v1/exports/" + id + "/retry").then().statusCode(202).body("status", equalTo("queued"));
            JsonPath retried = awaitExport(id, "completed");
            assertEquals(2, retried.getInt("attempts"));
            assertEquals(5, retried.getLong("entered_count"));

            List<String> ids = receiver.attempts().stream().map(WebhookReceiver.Attempt::webhookId).toList();
            assertEquals(List.of("msg_export" + id + "_batch1", "msg_export" + id + "_batch2", "msg_export" + id + "_batch2",
                    "msg_export" + id + "_batch2", "msg_export" + id + "_batch3"), ids);
            List<String> lines = new ArrayList<>();
            receiver.accepted().values().forEach(body -> lines.addAll(body.lines().toList()));
            assertEquals(List.of(7_200_101L, 7_200_102L, 7_200_103L, 7_200_104L, 7_200_105L),
                    lines.stream().map(l -> parse(l).path("user_id").asLong()).toList());
            assertTrue(lines.stream().allMatch(l -> parse(l).path("change").asText().equals("entered")), lines.toString());

            // the baseline moved by exactly what was sent: the next diff holds only the later join
            JsonPath next = exportAndWait(segment, destination, "ndjson", "diff", "completed");
            String body = receiver.accepted().get("msg_export" + next.getLong("id") + "_batch1");
            assertEquals(List.of("{\"user_id\":\"7200106\",\"change\":\"entered\"}"), body.lines().toList());
        }
    }

    @Test
    void shouldCutBatchesAcrossAndInsideStagedChunksAndSendEveryChangeOnce() throws Exception {
        // 4096-id chunks: six users alone in their chunks, ten in one chunk, batches of three
        List<Long> members = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            members.add(9_100_000L + k * 5_000L);
        }
        for (int k = 0; k < 10; k++) {
            members.add(9_130_000L + k);
        }
        long segment = segmentWith("hookexp_chunks", members.stream().mapToLong(Long::longValue).toArray());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            long destination = webhook(receiver, "hookexp chunks", 3, 3);
            JsonPath full = exportAndWait(segment, destination, "ndjson", "full", "completed");
            assertEquals(6, full.getInt("batches_sent"));
            List<String> fullLines = linesOf(receiver, full.getLong("id"), 6);
            assertEquals(members, fullLines.stream().map(l -> parse(l).path("user_id").asLong()).toList());
            assertTrue(fullLines.stream().allMatch(l -> parse(l).path("added_at").asText().endsWith("Z")), fullLines.toString());

            // a lone member and three of the ten leave, two users join (one in a new chunk)
            for (long gone : List.of(9_105_000L, 9_130_001L, 9_130_004L, 9_130_009L)) {
                putAttributes(gone, "{\"hookexp_chunks\": false}").statusCode(200);
            }
            for (long joined : List.of(9_130_020L, 9_140_000L)) {
                putAttributes(joined, "{\"hookexp_chunks\": true}").statusCode(200);
            }
            JsonPath diff = exportAndWait(segment, destination, "csv", "diff", "completed");
            assertEquals(2, diff.getLong("entered_count"));
            assertEquals(4, diff.getLong("left_count"));
            List<String> diffLines = linesOf(receiver, diff.getLong("id"), 2).stream().filter(l -> !l.startsWith("user_id")).toList();
            assertEquals(List.of("9105000,left", "9130001,left", "9130004,left", "9130009,left", "9130020,entered",
                    "9140000,entered"), diffLines);

            // the baseline moved by exactly that diff: nothing is left to send
            JsonPath again = exportAndWait(segment, destination, "csv", "diff", "completed");
            assertEquals(0, again.getLong("total_count"));
        }
    }

    /** The lines of an export's batches 1..count as the consumer kept them, in batch order. */
    private static List<String> linesOf(WebhookReceiver receiver, long exportId, int count) {
        List<String> lines = new ArrayList<>();
        for (int batch = 1; batch <= count; batch++) {
            String body = receiver.accepted().get("msg_export" + exportId + "_batch" + batch);
            assertTrue(body != null, "batch " + batch + " of export " + exportId + " was not accepted");
            lines.addAll(body.lines().toList());
        }
        return lines;
    }

    static long webhook(WebhookReceiver receiver, String name, int batchSize, int maxAttempts) {
        JsonPath created = given().contentType(ContentType.JSON).body("{\"name\": \"" + name + "\", \"type\": \"webhook\", "
                + "\"url\": \"" + receiver.url() + "\", \"batch_size\": " + batchSize + ", \"max_attempts\": " + maxAttempts
                + ", \"timeout_ms\": 5000}")
                .post("/api/v1/destinations").then().statusCode(201).extract().jsonPath();
        receiver.secret(created.getString("secret"));
        return created.getLong("id");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
