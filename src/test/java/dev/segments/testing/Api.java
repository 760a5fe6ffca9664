package dev.segments.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small helpers for API tests: create segments, send events, wait for compute jobs. */
public final class Api {

    private Api() {
    }

    public static long createSegment(String name, String rulesJson) {
        return postSegment(segmentBody(name, rulesJson))
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    /** Creates a segment and waits for its first compute to complete. */
    public static long createSegmentAndWait(String name, String rulesJson) {
        var created = postSegment(segmentBody(name, rulesJson)).then().statusCode(201).extract().jsonPath();
        String status = awaitJob(created.getLong("job_id"));
        if (!"completed".equals(status)) {
            throw new AssertionError("first compute of segment " + name + " ended " + status);
        }
        return created.getLong("id");
    }

    public static String segmentBody(String name, String rulesJson) {
        return "{\"name\": \"" + name + "\", \"rules\": " + rulesJson + "}";
    }

    public static io.restassured.response.Response postSegment(String bodyJson) {
        return given().contentType(ContentType.JSON).body(bodyJson).post("/api/v1/segments");
    }

    public static io.restassured.response.Response putSegment(long id, String bodyJson) {
        return given().contentType(ContentType.JSON).body(bodyJson).put("/api/v1/segments/" + id);
    }

    public static ValidatableResponse putAttributes(long userId, String attributesJson) {
        return given().contentType(ContentType.JSON).body(attributesJson)
                .put("/api/v1/users/" + userId + "/attributes").then();
    }

    public static ValidatableResponse patchAttributes(long userId, String attributesJson) {
        return given().contentType(ContentType.JSON).body(attributesJson)
                .patch("/api/v1/users/" + userId + "/attributes").then();
    }

    public static ValidatableResponse events(String eventsJson) {
        return given().contentType(ContentType.JSON).body(eventsJson).post("/api/v1/events").then();
    }

    public static ValidatableResponse importUsers(String ndjson) {
        return given().contentType("application/x-ndjson").body(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/users/import").then();
    }

    public static ValidatableResponse incremental() {
        return given().post("/api/v1/compute/incremental").then();
    }

    /** Waits until the job is no longer running and answers its final status. */
    public static String awaitJob(long jobId) {
        String[] status = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            status[0] = given().get("/api/v1/jobs/" + jobId).then().statusCode(200).extract().path("status");
            return !"running".equals(status[0]);
        });
        return status[0];
    }

    /** Waits for every job and fails unless all of them completed. */
    public static void awaitJobsCompleted(List<? extends Number> jobIds) {
        for (Number jobId : jobIds) {
            String status = awaitJob(jobId.longValue());
            if (!"completed".equals(status)) {
                throw new AssertionError("job " + jobId + " ended " + status);
            }
        }
    }

    /** Waits for every compute job of a segment to finish. */
    public static void awaitSegmentIdle(long segmentId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<String> statuses = given().get("/api/v1/segments/" + segmentId + "/jobs?limit=1000")
                    .then().statusCode(200).extract().path("jobs.status");
            return !statuses.contains("running");
        });
    }

    /** The members of a segment whose user ids are numbers (string ids are left out), in numeric order. */
    public static List<Long> members(long segmentId) {
        List<Object> ids = given().get("/api/v1/segments/" + segmentId + "/members?limit=10000")
                .then().statusCode(200).extract().path("members.user_id");
        return ids.stream().map(String::valueOf).filter(id -> id.matches("[1-9][0-9]{0,17}")).map(Long::parseLong).sorted().toList();
    }

    /** The members of a segment whose user ids lie in {@code [from, to]}: a test class's own users. */
    public static List<Long> members(long segmentId, long from, long to) {
        return members(segmentId).stream().filter(id -> id >= from && id <= to).toList();
    }

    /** The ids of a segment's compute jobs, newest first. */
    public static List<Long> jobIds(long segmentId) {
        List<Number> ids = given().get("/api/v1/segments/" + segmentId + "/jobs?limit=1000")
                .then().statusCode(200).extract().path("jobs.id");
        return ids.stream().map(Number::longValue).toList();
    }

    /** Every segment, all pages, as the list endpoint shows them. */
    public static List<Map<String, Object>> allSegments() {
        List<Map<String, Object>> all = new ArrayList<>();
        Object after = null;
        do {
            var page = given().queryParam("limit", 1000).queryParam("after", after == null ? "" : after)
                    .get("/api/v1/segments").then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("segments"));
            after = page.get("next_after");
        } while (after != null);
        return all;
    }

    /** The user's current segments among {@code candidates}, sorted. */
    public static List<Long> segmentsOf(long userId, List<Long> candidates) {
        List<Number> ids = given().get("/api/v1/users/" + userId).then().statusCode(200)
                .extract().path("segments.segment_id");
        return ids.stream().map(Number::longValue).filter(candidates::contains).sorted().toList();
    }
}
