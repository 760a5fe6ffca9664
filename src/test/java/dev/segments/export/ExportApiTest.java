package dev.segments.export;

import static dev.segments.export.DestinationApiTest.createDirectory;
import static dev.segments.export.DestinationApiTest.root;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Exports to directories: files, manifests, formats, diffs and their baseline. Users 7_100_000..7_100_999, attributes {@code expapi_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ExportApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldWriteACsvFileThroughATemporaryNameWithAManifestOfItsChecksum() throws Exception {
        long segment = segmentWith("expapi_csv", 7_100_001, 7_100_002, 7_100_003);
        Path dir = Path.of(root(), "expapi", "csv");
        long destination = createDirectory("expapi csv", dir.toString());

        JsonPath done = exportAndWait(segment, destination, "csv", "full", "completed");
        assertEquals(3, done.getLong("total_count"));
        assertEquals(1.0, done.getDouble("progress"));
        Path file = dir.resolve(done.getString("file_name"));
        List<String> lines = Files.readAllLines(file);
        assertEquals("user_id,added_at", lines.get(0));
        assertEquals(List.of(7_100_001L, 7_100_002L, 7_100_003L),
                lines.subList(1, lines.size()).stream().map(l -> Long.parseLong(l.split(",")[0])).toList());
        lines.subList(1, lines.size()).forEach(l -> java.time.Instant.parse(l.split(",")[1]));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file was left");
        }
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        JsonNode manifest = JSON.readTree(dir.resolve(done.getString("file_name") + ".manifest.json").toFile());
        assertEquals(sha256, manifest.path("sha256").asText());
        assertEquals(sha256, done.getString("sha256"));
        assertEquals(3, manifest.path("count").asLong());
        assertEquals(segment, manifest.path("segment_id").asLong());
        assertEquals("csv", manifest.path("format").asText());
        assertEquals("full", manifest.path("mode").asText());

        byte[] downloaded = given().get("/api/v1/exports/" + done.getLong("id") + "/file").then().statusCode(200)
                .contentType("text/csv").extract().asByteArray();
        assertEquals(new String(Files.readAllBytes(file)), new String(downloaded));
    }

    @Test
    void shouldWriteJsonAndNdjson() throws Exception {
        long segment = segmentWith("expapi_json", 7_100_011, 7_100_012);
        Path dir = Path.of(root(), "expapi", "json");
        long destination = createDirectory("expapi json", dir.toString());

        JsonPath json = exportAndWait(segment, destination, "json", "full", "completed");
        JsonNode array = JSON.readTree(dir.resolve(json.getString("file_name")).toFile());
        assertEquals(2, array.size());
        assertEquals(7_100_011L, array.get(0).path("user_id").asLong());
        java.time.Instant.parse(array.get(1).path("added_at").asText());

        JsonPath ndjson = exportAndWait(segment, destination, "ndjson", "full", "completed");
        List<String> lines = Files.readAllLines(dir.resolve(ndjson.getString("file_name")));
        assertEquals(2, lines.size());
        assertEquals(7_100_012L, JSON.readTree(lines.get(1)).path("user_id").asLong());
        given().get("/api/v1/exports/" + ndjson.getLong("id") + "/file").then().statusCode(200)
                .contentType("application/x-ndjson");
    }

    @Test
    void shouldExportOnlyWhoEnteredOrLeftSinceTheLastSuccessfulExport() throws Exception {
        long segment = segmentWith("expapi_diff", 7_100_021, 7_100_022, 7_100_023);
        Path dir = Path.of(root(), "expapi", "diff");
        long destination = createDirectory("expapi diff", dir.toString());

        JsonPath first = exportAndWait(segment, destination, "csv", "diff", "completed");
        assertEquals(List.of("user_id,change", "7100021,entered", "7100022,entered", "7100023,entered"),
                Files.readAllLines(dir.resolve(first.getString("file_name"))));

        putAttributes(7_100_024, "{\"expapi_diff\": true}").statusCode(200); // joins
        putAttributes(7_100_022, "{\"expapi_diff\": false}").statusCode(200); // leaves
        putAttributes(7_100_025, "{\"expapi_diff\": true}").statusCode(200); // joins and leaves in between: not sent
        putAttributes(7_100_025, "{\"expapi_diff\": false}").statusCode(200);
        JsonPath second = exportAndWait(segment, destination, "ndjson", "diff", "completed");
        List<String> lines = Files.readAllLines(dir.resolve(second.getString("file_name")));
        assertEquals(List.of("{\"user_id\":\"7100022\",\"change\":\"left\"}", "{\"user_id\":\"7100024\",\"change\":\"entered\"}"), lines);
        assertEquals(1, second.getLong("entered_count"));
        assertEquals(1, second.getLong("left_count"));

        JsonPath third = exportAndWait(segment, destination, "csv", "diff", "completed");
        assertEquals(List.of("user_id,change"), Files.readAllLines(dir.resolve(third.getString("file_name"))));

        // a full export is also a baseline: the next diff is relative to it
        putAttributes(7_100_026, "{\"expapi_diff\": true}").statusCode(200);
        exportAndWait(segment, destination, "csv", "full", "completed");
        JsonPath afterFull = exportAndWait(segment, destination, "csv", "diff", "completed");
        assertEquals(0, afterFull.getLong("total_count"));
    }

    @Test
    void shouldDiffAcrossBaselineChunksWhenAWholeChunkLeavesAndANewOneEnters() throws Exception {
        // users 7_160_000, 7_165_000, 7_170_000 and 7_175_000 fall in different baseline chunks (4096 ids each)
        long segment = segmentWith("expapi_chunks", 7_160_000, 7_165_000, 7_165_001, 7_170_000);
        Path dir = Path.of(root(), "expapi", "chunks");
        long diffs = createDirectory("expapi chunks diff", dir.resolve("diff").toString());
        long fulls = createDirectory("expapi chunks full", dir.resolve("full").toString());
        JsonPath first = exportAndWait(segment, diffs, "csv", "diff", "completed");
        assertEquals(4, first.getLong("entered_count"));
        JsonPath firstFull = exportAndWait(segment, fulls, "csv", "full", "completed");
        assertEquals(4, firstFull.getLong("entered_count"));
        assertEquals(0, firstFull.getLong("left_count"));

        putAttributes(7_160_000, "{\"expapi_chunks\": false}").statusCode(200); // its chunk empties
        putAttributes(7_165_001, "{\"expapi_chunks\": false}").statusCode(200); // its chunk keeps 7_165_000
        putAttributes(7_175_000, "{\"expapi_chunks\": true}").statusCode(200); // a chunk not in the baseline
        JsonPath second = exportAndWait(segment, diffs, "csv", "diff", "completed");
        assertEquals(List.of("user_id,change", "7160000,left", "7165001,left", "7175000,entered"),
                Files.readAllLines(dir.resolve("diff").resolve(second.getString("file_name"))));
        assertEquals(1, second.getLong("entered_count"));
        assertEquals(2, second.getLong("left_count"));
        JsonPath again = exportAndWait(segment, diffs, "csv", "diff", "completed");
        assertEquals(0, again.getLong("total_count"));

        // the full destination's baseline moved by the same changes
        JsonPath full = exportAndWait(segment, fulls, "csv", "full", "completed");
        List<String> lines = Files.readAllLines(dir.resolve("full").resolve(full.getString("file_name")));
        assertEquals(List.of("7165000", "7170000", "7175000"), lines.stream().skip(1).map(l -> l.split(",")[0]).toList());
        assertEquals(1, full.getLong("entered_count"));
        assertEquals(2, full.getLong("left_count"));

        // everyone leaves: the next diff says so, and the baseline is empty afterwards
        for (long user : new long[] {7_165_000, 7_170_000, 7_175_000}) {
            putAttributes(user, "{\"expapi_chunks\": false}").statusCode(200);
        }
        JsonPath gone = exportAndWait(segment, diffs, "ndjson", "diff", "completed");
        assertEquals(3, gone.getLong("left_count"));
        assertEquals(0, exportAndWait(segment, diffs, "csv", "diff", "completed").getLong("total_count"));
    }

    @Test
    void shouldNotMoveTheBaselineWhenAnExportFailsAndShouldRetryIt() throws Exception {
        long segment = segmentWith("expapi_fail", 7_100_031, 7_100_032);
        Path dir = Path.of(root(), "expapi", "fail");
        long destination = createDirectory("expapi fail", dir.toString());
        exportAndWait(segment, destination, "csv", "diff", "completed");

        putAttributes(7_100_033, "{\"expapi_fail\": true}").statusCode(200);
        try (Stream<Path> files = Files.list(dir)) { // a file where the directory was makes the write fail
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        Files.writeString(dir, "not a directory");
        JsonPath failed = exportAndWait(segment, destination, "csv", "diff", "failed");
        assertTrue(failed.getString("error").length() > 0);
        given().get("/api/v1/exports/" + failed.getLong("id") + "/file").then().statusCode(409);

        Files.delete(dir);
        given().post("/api/v1/exports/" + failed.getLong("id") + "/retry").then().statusCode(202)
                .body("status", equalTo("queued"));
        JsonPath retried = awaitExport(failed.getLong("id"), "completed");
        assertEquals(2, retried.getInt("attempts"));
        assertEquals(List.of("user_id,change", "7100033,entered"), Files.readAllLines(dir.resolve(retried.getString("file_name"))));
        given().post("/api/v1/exports/" + failed.getLong("id") + "/retry").then().statusCode(409);
    }

    @Test
    void shouldPushAnExportAfterEachCompletedComputeOfASubscribedSegment() throws Exception {
        long segment = segmentWith("expapi_sub", 7_100_041, 7_100_042);
        Path dir = Path.of(root(), "expapi", "sub");
        long destination = createDirectory("expapi sub", dir.toString());
        given().contentType(ContentType.JSON).body("{\"format\": \"ndjson\", \"mode\": \"full\"}")
                .put("/api/v1/segments/" + segment + "/subscriptions/" + destination).then().statusCode(200)
                .body("format", equalTo("ndjson")).body("mode", equalTo("full"));
        given().get("/api/v1/segments/" + segment + "/subscriptions").then().statusCode(200)
                .body("subscriptions.destination_id", hasItem((int) destination));

        long job = given().post("/api/v1/segments/" + segment + "/compute").then().statusCode(202)
                .extract().jsonPath().getLong("job_id");
        dev.segments.testing.Api.awaitJobsCompleted(List.of(job));
        await().atMost(Duration.ofSeconds(30)).until(() -> exportsOf(segment).stream()
                .anyMatch(e -> ((Number) e.get("compute_job_id")).longValue() == job && "completed".equals(e.get("status"))));
        var pushed = exportsOf(segment).stream().filter(e -> e.get("compute_job_id") != null
                && ((Number) e.get("compute_job_id")).longValue() == job).toList();
        assertEquals(1, pushed.size());
        assertEquals("subscription", pushed.get(0).get("triggered_by"));
        assertEquals(2, Files.readAllLines(dir.resolve((String) pushed.get(0).get("file_name"))).size());

        given().delete("/api/v1/segments/" + segment + "/subscriptions/" + destination).then().statusCode(204);
        long after = given().post("/api/v1/segments/" + segment + "/compute").then().statusCode(202)
                .extract().jsonPath().getLong("job_id");
        dev.segments.testing.Api.awaitJobsCompleted(List.of(after));
        assertTrue(exportsOf(segment).stream().noneMatch(e -> e.get("compute_job_id") != null
                && ((Number) e.get("compute_job_id")).longValue() == after));
    }

    @Test
    void shouldPageASegmentsExportsNewestFirst() {
        long segment = segmentWith("expapi_page", 7_100_051);
        long destination = createDirectory("expapi page", Path.of(root(), "expapi", "page").toString());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(exportAndWait(segment, destination, "csv", "full", "completed").getLong("id"));
        }
        var first = given().queryParam("limit", 2).get("/api/v1/segments/" + segment + "/exports").then().statusCode(200)
                .body("exports.id", equalTo(List.of(ids.get(2).intValue(), ids.get(1).intValue()))).extract().jsonPath();
        given().queryParam("limit", 2).queryParam("after", first.getLong("next_after"))
                .get("/api/v1/segments/" + segment + "/exports").then().statusCode(200)
                .body("exports.id", equalTo(List.of(ids.get(0).intValue()))).body("next_after", equalTo(null));
    }

    @Test
    void shouldRejectBadExportRequests() {
        long segment = segmentWith("expapi_bad", 7_100_061);
        long destination = createDirectory("expapi bad", Path.of(root(), "expapi", "bad").toString());
        for (String[] c : new String[][] {
                {"{}", "/destination_id"},
                {"{\"destination_id\": \"x\"}", "/destination_id"},
                {"{\"destination_id\": 999999999}", "/destination_id"},
                {"{\"destination_id\": " + destination + ", \"format\": \"xml\"}", "/format"},
                {"{\"destination_id\": " + destination + ", \"mode\": \"partial\"}", "/mode"},
                {"{\"destination_id\": " + destination + ", \"extra\": 1}", "/extra"},
                {"[]", ""}}) {
            given().contentType(ContentType.JSON).body(c[0]).post("/api/v1/segments/" + segment + "/exports")
                    .then().statusCode(400).contentType("application/problem+json").body("errors.pointer", hasItem(c[1]));
        }
        given().contentType(ContentType.JSON).body("{\"mode\": \"sometimes\"}")
                .put("/api/v1/segments/" + segment + "/subscriptions/" + destination)
                .then().statusCode(400).body("errors.pointer", hasItem("/mode"));
        given().get("/api/v1/segments/" + segment + "/exports").then().statusCode(200).body("exports.size()", equalTo(0));
    }

    static long segmentWith(String attribute, long... users) {
        LongStream.of(users).forEach(u -> putAttributes(u, "{\"" + attribute + "\": true}").statusCode(200));
        return createSegmentAndWait("expapi " + attribute, "{\"attribute\": \"" + attribute + "\", \"op\": \"eq\", \"value\": true}");
    }

    static JsonPath exportAndWait(long segment, long destination, String format, String mode, String expected) {
        long id = given().contentType(ContentType.JSON)
                .body("{\"destination_id\": " + destination + ", \"format\": \"" + format + "\", \"mode\": \"" + mode + "\"}")
                .post("/api/v1/segments/" + segment + "/exports").then().statusCode(202)
                .body("status", equalTo("queued")).extract().jsonPath().getLong("id");
        return awaitExport(id, expected);
    }

    static JsonPath awaitExport(long id, String expected) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = given().get("/api/v1/exports/" + id).then().statusCode(200).extract().jsonPath();
            String status = last[0].getString("status");
            return "completed".equals(status) || "failed".equals(status);
        });
        assertEquals(expected, last[0].getString("status"), "export " + id + ": " + last[0].prettify());
        return last[0];
    }

    private static List<java.util.Map<String, Object>> exportsOf(long segment) {
        return given().queryParam("limit", 1000).get("/api/v1/segments/" + segment + "/exports").then().statusCode(200)
                .extract().jsonPath().getList("exports");
    }
}
