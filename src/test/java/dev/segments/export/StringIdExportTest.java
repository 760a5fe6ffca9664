package dev.segments.export;

import static dev.segments.export.DestinationApiTest.createDirectory;
import static dev.segments.export.DestinationApiTest.root;
import static dev.segments.export.ExportApiTest.exportAndWait;
import static dev.segments.testing.Api.awaitJob;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.PostgresResource;
import dev.segments.testing.UserKeysSql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exports give every user by the id the customer knows: directory files (full and diff, CSV and JSON)
 * and webhook batches, with ids that need CSV quoting and JSON escaping, and the external ids of
 * members who left. Users 7_300_000..7_300_999 and string ids starting {@code xid}, attributes {@code xid_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class StringIdExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMA = "xid,comma";
    private static final String QUOTE = "xid \"q\\\"";
    private static final String WIDE = "xid ünï 日本 🎉";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldWriteExternalIdsInDirectoryFilesFullAndDiff() throws Exception {
        long segment = segmentOf("xid_dir", "-d", 7_300_001);
        Path dir = Path.of(root(), "xid", "dir");
        long destination = createDirectory("xid dir", dir.toString());

        JsonPath csv = exportAndWait(segment, destination, "csv", "full", "completed");
        List<String> lines = Files.readAllLines(dir.resolve(csv.getString("file_name")));
        assertEquals(List.of("user_id", "7300001", "\"xid,comma-d\"", "\"xid \"\"q\\\"\"-d\"", WIDE + "-d"),
                lines.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList());

        JsonPath json = exportAndWait(segment, destination, "json", "full", "completed");
        JsonNode array = JSON.readTree(dir.resolve(json.getString("file_name")).toFile());
        List<String> ids = new ArrayList<>();
        array.forEach(member -> {
            assertTrue(member.path("user_id").isTextual(), member.toString());
            ids.add(member.path("user_id").asText());
        });
        assertEquals(List.of("7300001", COMMA + "-d", QUOTE + "-d", WIDE + "-d"), ids);

        Path diffs = dir.resolve("diff"); // a destination of its own: a full export is a baseline too
        long diffDestination = createDirectory("xid dir diff", diffs.toString());
        JsonPath first = exportAndWait(segment, diffDestination, "csv", "diff", "completed");
        assertEquals(List.of("user_id,change", "7300001,entered", "\"xid,comma-d\",entered", "\"xid \"\"q\\\"\"-d\",entered",
                WIDE + "-d,entered"), Files.readAllLines(diffs.resolve(first.getString("file_name"))));

        UserKeysSql.putUser(dataSource, COMMA + "-d", "{\"xid_dir\": false}"); // leaves
        UserKeysSql.putUser(dataSource, "xid new\"one-d", "{\"xid_dir\": true}"); // joins
        recompute(segment);
        JsonPath second = exportAndWait(segment, diffDestination, "ndjson", "diff", "completed");
        assertEquals(List.of("{\"user_id\":\"xid,comma-d\",\"change\":\"left\"}", "{\"user_id\":\"xid new\\\"one-d\",\"change\":\"entered\"}"),
                Files.readAllLines(diffs.resolve(second.getString("file_name"))));
    }

    @Test
    void shouldSendExternalIdsInWebhookBatches() throws Exception {
        long segment = segmentOf("xid_hook", "-w", 7_300_101);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            long destination = WebhookExportTest.webhook(receiver, "xid hook", 3, 3);
            JsonPath full = exportAndWait(segment, destination, "json", "full", "completed");
            List<String> ids = new ArrayList<>();
            for (int batch = 1; batch <= 2; batch++) {
                JSON.readTree(receiver.accepted().get("msg_export" + full.getLong("id") + "_batch" + batch)).path("data")
                        .path("members").forEach(m -> {
                            assertTrue(m.path("user_id").isTextual(), m.toString());
                            ids.add(m.path("user_id").asText());
                        });
            }
            assertEquals(List.of("7300101", COMMA + "-w", QUOTE + "-w", WIDE + "-w"), ids);

            UserKeysSql.putUser(dataSource, QUOTE + "-w", "{\"xid_hook\": false}");
            putAttributes(7_300_101, "{\"xid_hook\": false}").statusCode(200);
            recompute(segment);
            JsonPath diff = exportAndWait(segment, destination, "csv", "diff", "completed");
            assertEquals("user_id,change\n7300101,left\n\"xid \"\"q\\\"\"-w\",left\n",
                    receiver.accepted().get("msg_export" + diff.getLong("id") + "_batch1"));
        }
    }

    /** A segment of one numeric user and three string ids (suffixed), in that internal order. */
    private long segmentOf(String attribute, String suffix, long numeric) throws Exception {
        putAttributes(numeric, "{\"" + attribute + "\": true}").statusCode(200);
        for (String id : List.of(COMMA, QUOTE, WIDE)) {
            UserKeysSql.putUser(dataSource, id + suffix, "{\"" + attribute + "\": true}");
        }
        return createSegmentAndWait("xid " + attribute, "{\"attribute\": \"" + attribute + "\", \"op\": \"eq\", \"value\": true}");
    }

    private static void recompute(long segment) {
        long job = given().post("/api/v1/segments/" + segment + "/compute").then().statusCode(202).extract().jsonPath().getLong("job_id");
        assertEquals("completed", awaitJob(job));
    }
}
