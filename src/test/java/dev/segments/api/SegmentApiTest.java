package dev.segments.api;

import static dev.segments.testing.Api.awaitJob;
import static dev.segments.testing.Api.awaitJobsCompleted;
import static dev.segments.testing.Api.createSegment;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.jobIds;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.postSegment;
import static dev.segments.testing.Api.putAttributes;
import static dev.segments.testing.Api.putSegment;
import static dev.segments.testing.Api.segmentBody;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.Api;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The segment endpoints of API.md. Users 20_000..20_999, attributes prefixed {@code sa_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SegmentApiTest {

    private static final String PRO = "{\"attribute\": \"sa_plan\", \"op\": \"eq\", \"value\": \"pro\"}";

    @Test
    void shouldCreateASegmentAndStartItsFirstCompute() {
        putAttributes(20_001, "{\"sa_plan\": \"pro\"}").statusCode(200);
        putAttributes(20_002, "{\"sa_plan\": \"free\"}").statusCode(200);

        var response = given().contentType(ContentType.JSON)
                .body("{\"name\": \"segapi created\", \"description\": \"paying users\", \"rules\": " + PRO + "}")
                .post("/api/v1/segments");
        response.then().statusCode(201).contentType(ContentType.JSON)
                .body("name", equalTo("segapi created"))
                .body("description", equalTo("paying users"))
                .body("rules.attribute", equalTo("sa_plan"))
                .body("rules.op", equalTo("eq"))
                .body("rules.value", equalTo("pro"))
                .body("is_composable", equalTo(false))
                .body("created_at", notNullValue())
                .body("job_id", notNullValue());
        long id = response.jsonPath().getLong("id");
        assertTrue(response.header("Location").endsWith("/api/v1/segments/" + id), response.header("Location"));

        long jobId = response.jsonPath().getLong("job_id");
        assertEquals("completed", awaitJob(jobId));
        given().get("/api/v1/jobs/" + jobId).then().statusCode(200)
                .body("segment_id", equalTo((int) id))
                .body("triggered_by", equalTo("rule_change"));
        assertEquals(List.of(20_001L), members(id, 20_000, 20_999));
    }

    @Test
    void shouldShowEveryFieldOfOneSegment() {
        putAttributes(20_011, "{\"sa_plan\": \"pro\"}").statusCode(200);
        long id = createSegmentAndWait("segapi get one", PRO);

        var segment = given().get("/api/v1/segments/" + id).then().statusCode(200)
                .body("id", equalTo((int) id))
                .body("name", equalTo("segapi get one"))
                .body("description", nullValue())
                .body("rules.op", equalTo("eq"))
                .body("is_composable", equalTo(false))
                .body("job_id", nullValue())
                .extract().jsonPath();
        Map<String, Object> fields = segment.getMap("");
        assertTrue(fields.keySet().containsAll(List.of("id", "name", "description", "rules", "is_composable",
                "created_at", "updated_at", "member_count", "last_computed_at")), fields.keySet().toString());
        assertEquals(members(id).size(), segment.getInt("member_count"));
        assertTrue(members(id).contains(20_011L));
        Instant created = Instant.parse(segment.getString("created_at"));
        Instant computed = Instant.parse(segment.getString("last_computed_at"));
        assertFalse(computed.isBefore(created), created + " / " + computed);
        assertEquals(created, Instant.parse(segment.getString("updated_at")));
    }

    @Test
    void shouldPageThroughSegmentsByIdWithNextAfter() {
        long first = createSegment("segapi page 1", PRO);
        long second = createSegment("segapi page 2", PRO);
        long third = createSegment("segapi page 3", PRO);

        given().get("/api/v1/segments?limit=2&after=" + (first - 1)).then().statusCode(200)
                .body("segments.id", contains((int) first, (int) second))
                .body("next_after", equalTo((int) second));
        given().get("/api/v1/segments?limit=2&after=" + second).then().statusCode(200)
                .body("segments.id", contains((int) third))
                .body("next_after", nullValue());
        List<Integer> all = given().get("/api/v1/segments").then().statusCode(200).extract().path("segments.id");
        assertEquals(all.stream().sorted().toList(), all);
        List.of(first, second, third).forEach(Api::awaitSegmentIdle);
    }

    @Test
    void shouldChangeOnlyTheNameWithoutStartingACompute() {
        long id = createSegmentAndWait("segapi rename me", PRO);
        List<Long> jobsBefore = jobIds(id);

        putSegment(id, segmentBody("segapi renamed", PRO)).then().statusCode(200)
                .body("name", equalTo("segapi renamed"))
                .body("job_id", nullValue())
                .body("job_ids", nullValue());

        assertEquals(jobsBefore, jobIds(id));
        given().get("/api/v1/segments/" + id).then().body("name", equalTo("segapi renamed"));
    }

    @Test
    void shouldRecomputeDependentsInDependencyOrderWhenARuleChanges() {
        putAttributes(20_101, "{\"sa_country\": \"FR\", \"sa_tier\": \"gold\"}").statusCode(200);
        putAttributes(20_102, "{\"sa_country\": \"DE\", \"sa_tier\": \"gold\"}").statusCode(200);
        putAttributes(20_103, "{\"sa_country\": \"DE\", \"sa_tier\": \"silver\"}").statusCode(200);
        String france = "{\"attribute\": \"sa_country\", \"op\": \"eq\", \"value\": \"FR\"}";
        String germany = "{\"attribute\": \"sa_country\", \"op\": \"eq\", \"value\": \"DE\"}";
        String gold = "{\"attribute\": \"sa_tier\", \"op\": \"eq\", \"value\": \"gold\"}";
        long base = createSegmentAndWait("segapi base country", france);
        long dependent = createSegmentAndWait("segapi gold in country",
                "{\"operator\": \"AND\", \"conditions\": [{\"segment\": " + base + "}, " + gold + "]}");
        long second = createSegmentAndWait("segapi dependent of dependent",
                "{\"operator\": \"OR\", \"conditions\": [{\"segment\": " + dependent + "}]}");
        assertEquals(List.of(20_101L), members(dependent, 20_000, 20_999));

        var answer = putSegment(base, segmentBody("segapi base country", germany)).then().statusCode(200)
                .body("rules.value", equalTo("DE"))
                .extract().jsonPath();
        long baseJob = answer.getLong("job_id");
        List<Long> dependentJobs = answer.getList("job_ids", Number.class).stream().map(Number::longValue).toList();
        assertEquals(2, dependentJobs.size(), dependentJobs.toString());
        awaitJobsCompleted(List.of(baseJob, dependentJobs.get(0), dependentJobs.get(1)));

        assertEquals(List.of(dependent, second), dependentJobs.stream().map(SegmentApiTest::segmentOfJob).toList());
        assertEquals(List.of(20_102L, 20_103L), members(base, 20_000, 20_999));
        assertEquals(List.of(20_102L), members(dependent, 20_000, 20_999));
        assertEquals(List.of(20_102L), members(second, 20_000, 20_999));
        assertStartsAfterCompletion(baseJob, dependentJobs.get(0));
        assertStartsAfterCompletion(dependentJobs.get(0), dependentJobs.get(1));
    }

    @Test
    void shouldRejectADuplicateNameOnCreateAndOnChange() {
        long taken = createSegment("segapi taken name", PRO);
        long other = createSegment("segapi other name", PRO);
        int countBefore = Api.allSegments().size();

        postSegment(segmentBody("segapi taken name", PRO)).then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("errors.pointer", contains("/name"));
        putSegment(other, segmentBody("segapi taken name", PRO)).then().statusCode(409)
                .contentType("application/problem+json")
                .body("errors.pointer", contains("/name"));

        assertEquals(countBefore, Api.allSegments().size());
        given().get("/api/v1/segments/" + other).then().body("name", equalTo("segapi other name"));
        putSegment(taken, segmentBody("segapi taken name", PRO)).then().statusCode(200);
    }

    @Test
    void shouldDeleteASegmentThenAnswerNotFound() {
        long id = createSegmentAndWait("segapi to delete", PRO);

        given().delete("/api/v1/segments/" + id).then().statusCode(204);

        given().get("/api/v1/segments/" + id).then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
        given().delete("/api/v1/segments/" + id).then().statusCode(404);
    }

    @Test
    void shouldRefuseToDeleteAReferencedSegment() {
        long referenced = createSegmentAndWait("segapi referenced", PRO);
        long referencing = createSegmentAndWait("segapi referencing",
                "{\"operator\": \"AND\", \"conditions\": [{\"segment\": " + referenced + "}]}");

        given().delete("/api/v1/segments/" + referenced).then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));

        given().get("/api/v1/segments/" + referenced).then().statusCode(200);
        given().delete("/api/v1/segments/" + referencing).then().statusCode(204);
        given().delete("/api/v1/segments/" + referenced).then().statusCode(204);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /", "PUT /", "DELETE /", "GET /members", "GET /members.csv", "POST /compute",
            "GET /jobs"})
    void shouldAnswerNotFoundForAnUnknownSegment(String call) {
        String[] parts = call.split(" ");
        String path = "/api/v1/segments/987654321" + (parts[1].equals("/") ? "" : parts[1]);
        given().contentType(ContentType.JSON).body(segmentBody("segapi ghost", PRO))
                .request(parts[0], path).then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "abc", "-5"})
    void shouldRejectABadSegmentListLimit(String limit) {
        given().get("/api/v1/segments?limit=" + limit).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", contains("/limit"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "10001", "abc"})
    void shouldRejectABadMembersLimit(String limit) {
        long id = createSegmentOnce();
        given().get("/api/v1/segments/" + id + "/members?limit=" + limit).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", contains("/limit"));
    }

    @Test
    void shouldRejectABadJobsLimitAndCursor() {
        long id = createSegmentOnce();
        given().get("/api/v1/segments/" + id + "/jobs?limit=0").then().statusCode(400)
                .body("errors.pointer", contains("/limit"));
        given().get("/api/v1/segments?after=x").then().statusCode(400)
                .body("errors.pointer", contains("/after"));
    }

    @Test
    void shouldPageMembersByUserId() {
        for (long user = 20_201; user <= 20_205; user++) {
            putAttributes(user, "{\"sa_page\": \"yes\"}").statusCode(200);
        }
        long id = createSegmentAndWait("segapi members paging",
                "{\"attribute\": \"sa_page\", \"op\": \"eq\", \"value\": \"yes\"}");

        String path = "/api/v1/segments/" + id + "/members";
        given().get(path + "?limit=2").then().statusCode(200)
                .body("members.user_id", contains("20201", "20202"))
                .body("members[0].added_at", notNullValue())
                .body("next_after", equalTo("20202"));
        given().get(path + "?limit=2&after=20202").then().statusCode(200)
                .body("members.user_id", contains("20203", "20204"))
                .body("next_after", equalTo("20204"));
        given().get(path + "?limit=2&after=20204").then().statusCode(200)
                .body("members.user_id", contains("20205"))
                .body("next_after", nullValue());
    }

    @Test
    void shouldExportMembersAsCsv() {
        putAttributes(20_302, "{\"sa_csv\": 1}").statusCode(200);
        putAttributes(20_301, "{\"sa_csv\": 1}").statusCode(200);
        long id = createSegmentAndWait("segapi csv", "{\"attribute\": \"sa_csv\", \"op\": \"eq\", \"value\": 1}");
        List<String> addedAt = given().get("/api/v1/segments/" + id + "/members").then().statusCode(200)
                .extract().path("members.added_at");

        var csv = given().get("/api/v1/segments/" + id + "/members.csv").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/csv")).extract().asString();

        assertEquals("user_id,added_at\n20301," + addedAt.get(0) + "\n20302," + addedAt.get(1) + "\n", csv);
    }

    @Test
    void shouldExportOnlyTheHeaderForAnEmptySegment() {
        long id = createSegmentAndWait("segapi csv empty",
                "{\"attribute\": \"sa_nobody\", \"op\": \"eq\", \"value\": \"x\"}");
        String csv = given().get("/api/v1/segments/" + id + "/members.csv").then().statusCode(200)
                .extract().asString();
        assertEquals("user_id,added_at\n", csv);
    }

    @Test
    void shouldStartAManualComputeAndListJobsNewestFirst() {
        long id = createSegmentAndWait("segapi manual compute", PRO);

        long jobId = given().post("/api/v1/segments/" + id + "/compute").then().statusCode(202)
                .body("job_id", notNullValue()).extract().jsonPath().getLong("job_id");
        assertEquals("completed", awaitJob(jobId));

        var jobs = given().get("/api/v1/segments/" + id + "/jobs").then().statusCode(200).extract().jsonPath();
        assertEquals(jobId, jobs.getLong("jobs[0].id"));
        assertEquals(List.of("manual", "rule_change"), jobs.getList("jobs.triggered_by"));
        assertTrue(jobs.getLong("jobs[0].id") > jobs.getLong("jobs[1].id"));
        given().get("/api/v1/segments/" + id + "/jobs?limit=1").then().statusCode(200)
                .body("jobs.id", contains((int) jobId));
    }

    private static long createSegmentOnce() {
        var existing = Api.allSegments().stream().filter(s -> "segapi limits".equals(s.get("name"))).findFirst();
        return existing.map(s -> ((Number) s.get("id")).longValue())
                .orElseGet(() -> createSegmentAndWait("segapi limits", PRO));
    }

    private static long segmentOfJob(long jobId) {
        return given().get("/api/v1/jobs/" + jobId).then().statusCode(200).extract().jsonPath().getLong("segment_id");
    }

    private static void assertStartsAfterCompletion(long earlierJob, long laterJob) {
        String completed = given().get("/api/v1/jobs/" + earlierJob).then().extract().path("completed_at");
        String started = given().get("/api/v1/jobs/" + laterJob).then().extract().path("started_at");
        assertNotNull(completed);
        assertFalse(Instant.parse(started).isBefore(Instant.parse(completed)), completed + " then " + started);
    }
}
