package dev.segments.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.List;

/** Small helpers for API tests: create segments, send events, wait for compute jobs. */
public final class Api {

    private Api() {
    }

    public static long createSegment(String name, String rulesJson) {
        return given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"rules\": " + rulesJson + "}")
                .post("/api/v1/segments")
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
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

    /** Waits until the job is no longer running and answers its final status. */
    public static String awaitJob(long jobId) {
        String[] status = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            status[0] = given().get("/api/v1/jobs/" + jobId).then().statusCode(200).extract().path("status");
            return !"running".equals(status[0]);
        });
        return status[0];
    }

    /** Waits for every compute job of a segment to finish. */
    public static void awaitSegmentIdle(long segmentId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<String> statuses = given().get("/api/v1/segments/" + segmentId + "/jobs?limit=1000")
                    .then().statusCode(200).extract().path("jobs.status");
            return !statuses.contains("running");
        });
    }

    public static List<Long> members(long segmentId) {
        List<Number> ids = given().get("/api/v1/segments/" + segmentId + "/members?limit=10000")
                .then().statusCode(200).extract().path("members.user_id");
        return ids.stream().map(Number::longValue).sorted().toList();
    }
}
