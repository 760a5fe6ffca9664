package dev.segments.api;

import static dev.segments.api.EstimateApiTest.ndjson;
import static dev.segments.testing.Api.awaitJob;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.jobIds;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putSegment;
import static dev.segments.testing.Api.segmentBody;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The dry run {@code POST /api/v1/segments/{id}/preview}. Users 7_200_000..7_209_999, attributes prefixed {@code pv_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PreviewApiTest {

    static ValidatableResponse preview(long id, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/segments/" + id + "/preview").then();
    }

    private static String score(String op, int value) {
        return "{\"attribute\": \"pv_score\", \"op\": \"" + op + "\", \"value\": " + value + "}";
    }

    @Test
    void shouldAnswerWhatSavingWouldChangeAndSavingShouldWriteExactlyThat() {
        importUsers(ndjson(7_200_000, 100, i -> "{\"pv_score\": " + i + "}")).statusCode(200);
        long id = createSegmentAndWait("pvapi scores", score("gte", 50)); // 7_200_050..7_200_099
        List<Long> before = members(id, 7_200_000, 7_209_999);
        assertEquals(50, before.size());
        String rules = "{\"operator\": \"AND\", \"conditions\": [" + score("gte", 20) + ", " + score("lt", 80) + "]}";

        JsonPath answer = preview(id, "{\"rules\": " + rules + "}").statusCode(200)
                .body("segment_id", equalTo((int) id))
                .body("added_count", equalTo(30))
                .body("removed_count", equalTo(20))
                .body("current_member_count", equalTo(50))
                .body("member_count", equalTo(60))
                .extract().jsonPath();
        assertEquals(LongStream.range(7_200_020, 7_200_040).boxed().toList(), longs(answer, "added_sample"));
        assertEquals(LongStream.range(7_200_080, 7_200_100).boxed().toList(), longs(answer, "removed_sample"));
        assertEquals(before, members(id, 7_200_000, 7_209_999), "a preview changes nothing");
        assertEquals(1, jobIds(id).size(), "a preview starts no compute");

        long jobId = putSegment(id, segmentBody("pvapi scores", rules)).then().statusCode(200)
                .extract().jsonPath().getLong("job_id");
        assertEquals("completed", awaitJob(jobId));
        given().get("/api/v1/jobs/" + jobId).then().statusCode(200)
                .body("added_count", equalTo(answer.getInt("added_count")))
                .body("removed_count", equalTo(answer.getInt("removed_count")))
                .body("member_count", equalTo(answer.getInt("member_count")));
    }

    @Test
    void shouldAcceptThePutBodyAndPreviewANoOpAsNothing() {
        importUsers(ndjson(7_201_000, 3, i -> "{\"pv_same\": 1}")).statusCode(200);
        String rule = "{\"attribute\": \"pv_same\", \"op\": \"eq\", \"value\": 1}";
        long id = createSegmentAndWait("pvapi same", rule);
        preview(id, segmentBody("pvapi same", rule)).statusCode(200)
                .body("added_count", equalTo(0)).body("removed_count", equalTo(0))
                .body("added_sample.size()", equalTo(0)).body("removed_sample.size()", equalTo(0));
    }

    @Test
    void shouldRejectBadRulesUnknownSegmentsAndSelfReferencesWithoutChangingAnything() {
        long id = createSegmentAndWait("pvapi bad input", score("gte", 1));
        long dependent = createSegmentAndWait("pvapi dependent", "{\"segment\": " + id + "}");
        preview(id, "{\"rules\": {\"attribute\": \"pv_score\", \"op\": \"gte\"}}").statusCode(400)
                .contentType("application/problem+json").body("errors.pointer", hasItem("/rules/value"));
        preview(id, "{}").statusCode(400).body("errors.pointer", hasItem("/rules"));
        preview(id, "{\"rules\": " + score("gte", 1) + ", \"dry\": true}").statusCode(400)
                .body("errors.pointer", hasItem("/dry"));
        preview(id, "{\"rules\": {\"segment\": " + id + "}}").statusCode(400)
                .body("errors.pointer", hasItem("/rules"));
        preview(id, "{\"rules\": {\"segment\": " + dependent + "}}").statusCode(400)
                .body("errors.pointer", hasItem("/rules"));
        preview(id, "{\"rules\": {\"segment\": 987654321}}").statusCode(400)
                .body("errors.pointer", hasItem("/rules"));
        preview(987_654_321L, "{\"rules\": " + score("gte", 1) + "}").statusCode(404);
        given().contentType(ContentType.JSON).body("{\"rules\": " + score("gte", 1) + "}")
                .post("/api/v1/segments/x/preview").then().statusCode(400).body("errors.pointer", hasItem("/id"));
        given().get("/api/v1/segments/" + id).then().statusCode(200).body("rules.op", equalTo("gte"));
        assertEquals(1, jobIds(id).size());
    }

    @Test
    void shouldPreviewAComposableSegmentItself() {
        importUsers(ndjson(7_202_000, 10, i -> "{\"pv_c\": " + i + "}")).statusCode(200);
        long base = createSegmentAndWait("pvapi base", "{\"attribute\": \"pv_c\", \"op\": \"lt\", \"value\": 4}");
        long composed = createSegmentAndWait("pvapi composed", "{\"segment\": " + base + "}");
        String rules = "{\"operator\": \"OR\", \"conditions\": [{\"segment\": " + base + "}, "
                + "{\"attribute\": \"pv_c\", \"op\": \"eq\", \"value\": 9}]}";
        JsonPath answer = preview(composed, "{\"rules\": " + rules + "}").statusCode(200)
                .body("added_count", equalTo(1)).body("removed_count", equalTo(0)).extract().jsonPath();
        assertEquals(List.of(7_202_009L), longs(answer, "added_sample"));
        assertTrue(answer.getLong("member_count") >= 5);
    }

    /** User ids of a sample: strings (external ids), numeric here. */
    private static List<Long> longs(JsonPath json, String path) {
        return json.<String>getList(path).stream().map(Long::parseLong).toList();
    }
}
