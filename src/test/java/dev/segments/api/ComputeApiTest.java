package dev.segments.api;

import static dev.segments.testing.Api.allSegments;
import static dev.segments.testing.Api.awaitJobsCompleted;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.incremental;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putAttributes;
import static dev.segments.testing.Api.putSegment;
import static dev.segments.testing.Api.segmentBody;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Full and incremental computes and the job record. Users 60_000..60_999, attributes prefixed {@code cmp_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ComputeApiTest {

    private static final long FROM = 60_000;
    private static final long TO = 60_999;

    @Test
    void shouldQueueAFullComputeOfEverySegmentInDependencyOrder() {
        long base = createSegmentAndWait("computeapi full base", "{\"attribute\": \"cmp_full\", \"op\": \"eq\", \"value\": 1}");
        long dependent = createSegmentAndWait("computeapi full dependent",
                "{\"operator\": \"OR\", \"conditions\": [{\"segment\": " + base + "}]}");

        List<Integer> jobIds = given().post("/api/v1/compute/full").then().statusCode(202)
                .extract().path("job_ids");
        awaitJobsCompleted(jobIds);

        List<Long> jobSegments = jobIds.stream().map(id -> given().get("/api/v1/jobs/" + id).then().statusCode(200)
                .body("triggered_by", equalTo("manual")).extract().jsonPath().getLong("segment_id")).toList();
        List<Long> allIds = allSegments().stream().map(s -> ((Number) s.get("id")).longValue()).sorted().toList();
        assertEquals(allIds, jobSegments.stream().sorted().toList());
        assertTrue(jobSegments.indexOf(base) < jobSegments.indexOf(dependent), jobSegments.toString());
    }

    @Test
    void shouldShowEveryFieldOfAJob() {
        putAttributes(60_001, "{\"cmp_job\": \"y\"}").statusCode(200);
        putAttributes(60_002, "{\"cmp_job\": \"y\"}").statusCode(200);
        var created = given().contentType("application/json")
                .body("{\"name\": \"computeapi job fields\", \"rules\": {\"attribute\": \"cmp_job\", \"op\": \"eq\", \"value\": \"y\"}}")
                .post("/api/v1/segments").then().statusCode(201).extract().jsonPath();
        long id = created.getLong("id");
        long jobId = created.getLong("job_id");
        awaitJobsCompleted(List.of(jobId));

        var job = given().get("/api/v1/jobs/" + jobId).then().statusCode(200)
                .body("id", equalTo((int) jobId))
                .body("segment_id", equalTo((int) id))
                .body("triggered_by", equalTo("rule_change"))
                .body("status", equalTo("completed"))
                .body("added_count", equalTo(2))
                .body("removed_count", equalTo(0))
                .body("member_count", equalTo(2))
                .body("error", nullValue())
                .extract().jsonPath();
        Map<String, Object> fields = job.getMap("");
        assertTrue(fields.keySet().containsAll(List.of("id", "segment_id", "triggered_by", "status", "started_at",
                "completed_at", "added_count", "removed_count", "member_count", "error")), fields.keySet().toString());
        assertFalse(Instant.parse(job.getString("completed_at")).isBefore(Instant.parse(job.getString("started_at"))));
        assertEquals(List.of(60_001L, 60_002L), members(id, FROM, TO));
    }

    @Test
    void shouldReportNoChangeWhenARecomputeFindsNothingNew() {
        putAttributes(60_011, "{\"cmp_same\": true}").statusCode(200);
        long id = createSegmentAndWait("computeapi unchanged", "{\"attribute\": \"cmp_same\", \"op\": \"eq\", \"value\": true}");

        long jobId = given().post("/api/v1/segments/" + id + "/compute").then().statusCode(202)
                .extract().jsonPath().getLong("job_id");
        awaitJobsCompleted(List.of(jobId));

        given().get("/api/v1/jobs/" + jobId).then()
                .body("triggered_by", equalTo("manual"))
                .body("added_count", equalTo(0))
                .body("removed_count", equalTo(0))
                .body("member_count", equalTo(1));
    }

    @Test
    void shouldPickUpImportedSnapshotsOnAManualFullCompute() {
        long id = createSegmentAndWait("computeapi imported", "{\"attribute\": \"cmp_imp\", \"op\": \"eq\", \"value\": 5}");
        importUsers("{\"user_id\": 60021, \"attributes\": {\"cmp_imp\": 5}}\n").statusCode(200).body("imported", equalTo(1));
        assertEquals(List.of(), members(id, FROM, TO));

        long jobId = given().post("/api/v1/segments/" + id + "/compute").then().statusCode(202)
                .extract().jsonPath().getLong("job_id");
        awaitJobsCompleted(List.of(jobId));

        given().get("/api/v1/jobs/" + jobId).then().body("added_count", equalTo(1)).body("member_count", equalTo(1));
        assertEquals(List.of(60_021L), members(id, FROM, TO));
    }

    @Test
    void shouldClearDirtyUsersAndRecordManualIncrementalJobs() {
        long id = createSegmentAndWait("computeapi incremental", "{\"attribute\": \"cmp_inc\", \"op\": \"lt\", \"value\": 10}");
        incremental().statusCode(200);
        importUsers("{\"user_id\": 60031, \"attributes\": {\"cmp_inc\": 3}}\n").statusCode(200);

        List<Integer> jobIds = incremental().statusCode(200)
                .body("users", equalTo(1)).body("added", equalTo(1)).body("removed", equalTo(0))
                .extract().path("job_ids");
        assertEquals(1, jobIds.size(), jobIds.toString());
        given().get("/api/v1/jobs/" + jobIds.get(0)).then().statusCode(200)
                .body("segment_id", equalTo((int) id))
                .body("triggered_by", equalTo("manual"))
                .body("status", equalTo("completed"))
                .body("added_count", equalTo(1));
        assertEquals(List.of(60_031L), members(id, FROM, TO));

        incremental().statusCode(200)
                .body("users", equalTo(0)).body("added", equalTo(0)).body("removed", equalTo(0))
                .body("job_ids", empty());
    }

    /**
     * A pass records job rows only for the segments it changes: one that changes nothing inserts no
     * row at all (the job ids of two rule changes around it are consecutive; before, every pass
     * inserted a row per segment and deleted the unchanged ones at its end).
     */
    @Test
    void shouldRecordNoJobRowForAPassThatChangesNothing() {
        String rule = "{\"attribute\": \"cmp_quiet\", \"op\": \"eq\", \"value\": 1}";
        long id = createSegmentAndWait("computeapi quiet pass", rule);
        importUsers("{\"user_id\": 60041, \"attributes\": {\"cmp_quiet\": 1}}\n").statusCode(200);
        List<Integer> changed = incremental().statusCode(200).body("added", equalTo(1)).extract().path("job_ids");
        assertEquals(1, changed.size(), "one row, for the one segment the pass changed: " + changed);

        long before = putSegment(id, segmentBody("computeapi quiet pass",
                "{\"attribute\": \"cmp_quiet\", \"op\": \"in\", \"value\": [1]}")).then().statusCode(200)
                .extract().jsonPath().getLong("job_id");
        awaitJobsCompleted(List.of(before));
        importUsers("{\"user_id\": 60041, \"attributes\": {\"cmp_quiet\": 1, \"cmp_other\": 2}}\n").statusCode(200);
        incremental().statusCode(200).body("users", equalTo(1)).body("added", equalTo(0)).body("removed", equalTo(0))
                .body("job_ids", empty());
        long after = putSegment(id, segmentBody("computeapi quiet pass", rule)).then().statusCode(200)
                .extract().jsonPath().getLong("job_id");
        awaitJobsCompleted(List.of(after));
        assertEquals(before + 1, after, "the pass between the two rule changes inserted no job row");
        assertEquals(List.of(60_041L), members(id, FROM, TO));
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownJob() {
        given().get("/api/v1/jobs/987654321").then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
        given().get("/api/v1/jobs/abc").then().statusCode(400).body("errors.pointer", org.hamcrest.Matchers.contains("/id"));
    }
}
