package dev.segments.drift;

import static dev.segments.testing.Api.awaitJobsCompleted;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.incremental;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The drift time series of a segment's computes. Users 920_000..920_099, attributes {@code drift_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DriftApiTest {

    @Test
    void shouldRecordMemberCountAndChangesOfEveryKindOfCompute() {
        Instant before = Instant.now();
        for (long user = 920_001; user <= 920_004; user++) {
            putAttributes(user, "{\"drift_v\": 1}").statusCode(200);
        }
        long segment = createSegmentAndWait("drift series", "{\"attribute\": \"drift_v\", \"op\": \"eq\", \"value\": 1}");
        patchAttributes(920_001, "{\"drift_v\": 0}").statusCode(200);
        patchAttributes(920_002, "{\"drift_v\": 0}").statusCode(200);
        compute(segment);
        importUsers("{\"user_id\": 920005, \"attributes\": {\"drift_v\": 1}}\n{\"user_id\": 920006, \"attributes\": {\"drift_v\": 1}}\n")
                .statusCode(200);
        incremental().statusCode(200);

        JsonPath drift = given().queryParam("from", before.toString()).get("/api/v1/segments/" + segment + "/drift")
                .then().statusCode(200).body("segment_id", equalTo((int) segment)).body("next_after", equalTo(null))
                .extract().jsonPath();
        assertEquals(List.of("full", "full", "incremental"), drift.getList("points.kind"));
        assertEquals(List.of("rule_change", "manual", "manual"), drift.getList("points.triggered_by"));
        assertEquals(List.of(4, 2, 4), drift.getList("points.member_count"));
        assertEquals(List.of(4, 0, 2), drift.getList("points.added"));
        assertEquals(List.of(0, 0, 0), drift.getList("points.removed"));
        assertEquals(members(segment).size(), drift.getInt("points[2].member_count"));

        List<Integer> paged = new ArrayList<>();
        Object after = null;
        do {
            JsonPath page = given().queryParam("limit", 2).queryParam("after", after == null ? "" : after)
                    .get("/api/v1/segments/" + segment + "/drift").then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("points.member_count"));
            after = page.get("next_after");
        } while (after != null);
        assertEquals(List.of(4, 2, 4), paged);

        given().queryParam("to", before.toString()).get("/api/v1/segments/" + segment + "/drift")
                .then().statusCode(200).body("points.size()", equalTo(0));
    }

    @Test
    void shouldRejectBadRangesAndUnknownSegments() {
        long segment = createSegmentAndWait("drift bad input", "{\"attribute\": \"drift_bad\", \"op\": \"eq\", \"value\": 1}");
        badRequest(segment, "from=yesterday", "/from");
        badRequest(segment, "to=2026-13-01T00:00:00Z", "/to");
        badRequest(segment, "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "/from");
        badRequest(segment, "limit=1001", "/limit");
        badRequest(segment, "after=x", "/after");
        given().get("/api/v1/segments/987654321/drift").then().statusCode(404);
        given().get("/api/v1/segments/abc/drift").then().statusCode(400).body("errors[0].pointer", equalTo("/id"));
    }

    private static void compute(long segment) {
        long job = given().post("/api/v1/segments/" + segment + "/compute").then().statusCode(202).extract().jsonPath().getLong("job_id");
        awaitJobsCompleted(List.of(job));
    }

    private static void badRequest(long segment, String query, String pointer) {
        given().get("/api/v1/segments/" + segment + "/drift?" + query).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].pointer", equalTo(pointer));
    }
}
