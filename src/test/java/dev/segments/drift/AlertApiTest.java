package dev.segments.drift;

import static dev.segments.testing.Api.awaitJobsCompleted;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Drift alerts tripped by real computes, their thresholds, acknowledgement and staleness. Users 920_100..920_999, attributes {@code alrt_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AlertApiTest {

    @Inject
    AlertService alerts;

    @Test
    void shouldOpenOneAlertWhenTheMemberCountDropsToZeroAndKeepItUntilAcknowledged() {
        putAttributes(920_101, "{\"alrt_z\": 1}").statusCode(200);
        putAttributes(920_102, "{\"alrt_z\": 1}").statusCode(200);
        long segment = createSegmentAndWait("alert zero", "{\"attribute\": \"alrt_z\", \"op\": \"eq\", \"value\": 1}");
        patchAttributes(920_101, "{\"alrt_z\": 0}").statusCode(200);
        patchAttributes(920_102, "{\"alrt_z\": 0}").statusCode(200);
        long job = compute(segment);
        compute(segment);

        List<Map<String, Object>> open = list("status=open&segment_id=" + segment);
        assertEquals(1, open.size(), open.toString());
        Map<String, Object> alert = open.get(0);
        assertEquals("zero", alert.get("kind"));
        assertEquals(true, alert.get("ongoing"));
        assertEquals((int) job, alert.get("job_id"));
        assertEquals(2, alert.get("previous_count"));
        assertEquals(0, alert.get("member_count"));
        int id = (Integer) alert.get("id");

        given().post("/api/v1/alerts/" + id + "/acknowledge").then().statusCode(200)
                .body("status", equalTo("acknowledged")).body("acknowledged_at", notNullValue());
        assertEquals(List.of(), list("status=open&segment_id=" + segment));
        compute(segment);
        assertEquals(1, list("segment_id=" + segment).size());

        putAttributes(920_101, "{\"alrt_z\": 1}").statusCode(200);
        compute(segment);
        given().queryParam("segment_id", segment).get("/api/v1/alerts").then().statusCode(200)
                .body("alerts[0].ongoing", equalTo(false)).body("alerts[0].cleared_at", notNullValue());
        patchAttributes(920_101, "{\"alrt_z\": 0}").statusCode(200);
        compute(segment);
        List<Map<String, Object>> all = list("segment_id=" + segment);
        assertEquals(List.of("open", "acknowledged"), all.stream().map(a -> a.get("status")).toList());
    }

    @Test
    void shouldOpenAnAlertOnARelativeChangeAboveTheThreshold() {
        for (long user = 920_111; user <= 920_114; user++) {
            putAttributes(user, "{\"alrt_r\": 1}").statusCode(200);
        }
        long segment = createSegmentAndWait("alert relative", "{\"attribute\": \"alrt_r\", \"op\": \"eq\", \"value\": 1}");
        putSettings(segment, "{\"relative_change\": 0.5, \"min_previous_count\": 2}").statusCode(200)
                .body("relative_change", equalTo(0.5f)).body("min_previous_count", equalTo(2));
        patchAttributes(920_111, "{\"alrt_r\": 0}").statusCode(200);
        compute(segment);
        assertEquals(List.of(), list("segment_id=" + segment), "a 25% change is below the threshold");

        for (long user = 920_112; user <= 920_113; user++) {
            patchAttributes(user, "{\"alrt_r\": 0}").statusCode(200);
        }
        long job = compute(segment);
        List<Map<String, Object>> found = list("segment_id=" + segment);
        assertEquals(1, found.size(), found.toString());
        assertEquals("relative_change", found.get(0).get("kind"));
        assertEquals((int) job, found.get(0).get("job_id"));
        assertEquals(3, found.get(0).get("previous_count"));
        assertEquals(1, found.get(0).get("member_count"));
        assertTrue(((String) found.get(0).get("detail")).contains("-66.7%"), found.get(0).toString());
    }

    @Test
    void shouldWatchANewSegmentWithDefaultsAndRejectBadThresholds() {
        long segment = createSegmentAndWait("alert settings", "{\"attribute\": \"alrt_s\", \"op\": \"eq\", \"value\": 1}");
        given().get("/api/v1/segments/" + segment + "/alert-settings").then().statusCode(200)
                .body("segment_id", equalTo((int) segment)).body("relative_change", equalTo(0.5f))
                .body("min_previous_count", equalTo(100)).body("on_zero", equalTo(true))
                .body("stale_after_hours", equalTo(48)).body("destination_id", nullValue());

        badSettings(segment, "{\"relative_change\": 0}", "/relative_change");
        badSettings(segment, "{\"relative_change\": \"half\"}", "/relative_change");
        badSettings(segment, "{\"relative_change\": 101}", "/relative_change");
        badSettings(segment, "{\"min_previous_count\": -1}", "/min_previous_count");
        badSettings(segment, "{\"min_previous_count\": null}", "/min_previous_count");
        badSettings(segment, "{\"stale_after_hours\": 0}", "/stale_after_hours");
        badSettings(segment, "{\"stale_after_hours\": 1.5}", "/stale_after_hours");
        badSettings(segment, "{\"on_zero\": \"yes\"}", "/on_zero");
        badSettings(segment, "{\"destination_id\": 0}", "/destination_id");
        badSettings(segment, "{\"destination_id\": 987654321}", "/destination_id"); // no such destination
        badSettings(segment, "{\"threshold\": 1}", "/threshold");
        badSettings(segment, "[1]", "");
        given().get("/api/v1/segments/" + segment + "/alert-settings").then().statusCode(200)
                .body("relative_change", equalTo(0.5f)).body("stale_after_hours", equalTo(48));

        putSettings(segment, "{\"relative_change\": null, \"stale_after_hours\": null, \"on_zero\": false, \"destination_id\": null}")
                .statusCode(200).body("relative_change", nullValue()).body("stale_after_hours", nullValue())
                .body("on_zero", equalTo(false)).body("destination_id", nullValue()).body("updated_at", notNullValue());
        given().get("/api/v1/segments/987654321/alert-settings").then().statusCode(404);
        putSettings(987_654_321L, "{}").statusCode(404);
        given().get("/api/v1/alerts?status=closed").then().statusCode(400).body("errors[0].pointer", equalTo("/status"));
        given().get("/api/v1/alerts?segment_id=x").then().statusCode(400).body("errors[0].pointer", equalTo("/segment_id"));
        given().get("/api/v1/alerts?after=-3").then().statusCode(400).body("errors[0].pointer", equalTo("/after"));
        given().post("/api/v1/alerts/987654321/acknowledge").then().statusCode(404);
        given().post("/api/v1/alerts/x/acknowledge").then().statusCode(400).body("errors[0].pointer", equalTo("/id"));
    }

    @Test
    void shouldOpenOneStaleAlertUntilAComputeCompletes() { // delivery to a destination: export.AlertWebhookTest
        long segment = createSegmentAndWait("alert stale", "{\"attribute\": \"alrt_st\", \"op\": \"eq\", \"value\": 1}");
        putSettings(segment, "{\"stale_after_hours\": 1}").statusCode(200);
        Instant later = Instant.now().plus(Duration.ofMinutes(90));
        alerts.checkStale(later).await().atMost(Duration.ofSeconds(30));
        alerts.checkStale(later).await().atMost(Duration.ofSeconds(30));
        List<Map<String, Object>> stale = list("segment_id=" + segment);
        assertEquals(1, stale.size(), stale.toString());
        assertEquals("stale", stale.get(0).get("kind"));
        assertEquals(null, stale.get(0).get("destination_id"));

        compute(segment);
        assertEquals(false, list("segment_id=" + segment).get(0).get("ongoing"));
        alerts.checkStale(Instant.now()).await().atMost(Duration.ofSeconds(30));
        assertEquals(1, list("segment_id=" + segment).size());
    }

    private static long compute(long segment) {
        long job = given().post("/api/v1/segments/" + segment + "/compute").then().statusCode(202).extract().jsonPath().getLong("job_id");
        awaitJobsCompleted(List.of(job));
        return job;
    }

    private static List<Map<String, Object>> list(String query) {
        JsonPath page = given().get("/api/v1/alerts?" + query).then().statusCode(200).extract().jsonPath();
        return page.getList("alerts");
    }

    private static io.restassured.response.ValidatableResponse putSettings(long segment, String body) {
        return given().contentType(ContentType.JSON).body(body).put("/api/v1/segments/" + segment + "/alert-settings").then();
    }

    private static void badSettings(long segment, String body, String pointer) {
        putSettings(segment, body).statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo(pointer));
    }
}
