package dev.segments.api;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.patchAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
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
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Size estimates, {@code POST /api/v1/segments/estimate} and {@code /{id}/estimate}. Users
 * 7_100_000..7_109_999, attributes prefixed {@code est_} (no other test uses them, so counts of rules
 * over them are known exactly).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EstimateApiTest {

    private static final String GOLD = "{\"attribute\": \"est_plan\", \"op\": \"eq\", \"value\": \"gold\"}";

    @Inject
    Pool pool;

    static ValidatableResponse estimate(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/segments/estimate").then();
    }

    static String rules(String rules) {
        return "{\"rules\": " + rules + "}";
    }

    @Test
    void shouldCountExactlyWhenThePopulationIsSmall() {
        importUsers(ndjson(7_100_000, 30, i -> i % 3 == 0 ? "{\"est_plan\": \"gold\"}" : "{\"est_plan\": \"free\"}"))
                .statusCode(200);
        long all = pool.query("SELECT count(*) FROM user_attribute_snapshot").execute().await().indefinitely()
                .iterator().next().getLong(0);

        JsonPath answer = estimate(rules(GOLD)).statusCode(200)
                .body("method", equalTo("exact"))
                .body("estimate", equalTo(10))
                .body("ci95_low", equalTo(10))
                .body("ci95_high", equalTo(10))
                .body("sample_matches", equalTo(10))
                .body("sample_percent", equalTo(100.0f))
                .extract().jsonPath();
        Map<String, Object> fields = answer.getMap("");
        assertTrue(fields.keySet().containsAll(List.of("estimate", "ci95_low", "ci95_high", "sample_size",
                "sample_matches", "population", "sample_percent", "method", "elapsed_ms")), fields.keySet().toString());
        assertEquals(all, answer.getLong("population"), "the population is every snapshot");
        assertEquals(all, answer.getLong("sample_size"));
    }

    @Test
    void shouldSampleWhenAskedAndKeepTheTruthInsideTheInterval() {
        // 3,000 users, 900 of them match; 40 independent 20% samples (distinct percents, so none is cached)
        importUsers(ndjson(7_101_000, 3_000, i -> "{\"est_cov\": " + (i % 10 < 3) + "}")).statusCode(200);
        String rule = "{\"attribute\": \"est_cov\", \"op\": \"eq\", \"value\": true}";
        int covered = 0;
        for (int i = 0; i < 40; i++) {
            JsonPath answer = estimate("{\"rules\": " + rule + ", \"sample_percent\": " + (20 + i * 0.01)
                    + ", \"method\": \"sample\"}").statusCode(200).body("method", equalTo("sample"))
                    .extract().jsonPath();
            long low = answer.getLong("ci95_low");
            long high = answer.getLong("ci95_high");
            assertTrue(low <= answer.getLong("estimate") && answer.getLong("estimate") <= high, answer.prettify());
            assertTrue(answer.getLong("sample_size") < answer.getLong("population"), answer.prettify());
            covered += low <= 900 && 900 <= high ? 1 : 0;
        }
        // a correct 95% interval covers about 38 of 40; 30 or fewer has a chance below one in a million
        assertTrue(covered > 30, covered + " of 40 intervals held the true size");
    }

    @Test
    void shouldReuseACachedAnswerUntilTheDataChanges() {
        importUsers(ndjson(7_102_000, 5, i -> "{\"est_cache\": \"yes\"}")).statusCode(200);
        String body = rules("{\"attribute\": \"est_cache\", \"op\": \"eq\", \"value\": \"yes\"}");
        estimate(body).statusCode(200).body("estimate", equalTo(5));
        estimate(body).statusCode(200).body("cached", equalTo(true)).body("estimate", equalTo(5));
        // the same rule written differently is the same canonical rule
        estimate(rules("{\"value\": \"yes\", \"op\": \"eq\", \"attribute\": \"est_cache\"}")).statusCode(200)
                .body("cached", equalTo(true));

        patchAttributes(7_102_001, "{\"est_cache\": \"no\"}").statusCode(200);
        estimate(body).statusCode(200).body("cached", equalTo(false)).body("estimate", equalTo(4));
        given().contentType(ContentType.JSON)
                .body("[{\"user_id\": 7102002, \"attributes\": {\"est_cache\": \"no\"}}]")
                .post("/api/v1/events").then().statusCode(200);
        estimate(body).statusCode(200).body("cached", equalTo(false)).body("estimate", equalTo(3));
        given().delete("/api/v1/users/7102003").then().statusCode(204);
        estimate(body).statusCode(200).body("cached", equalTo(false)).body("estimate", equalTo(2));
    }

    @Test
    void shouldEstimateEveryNodeByPointer() {
        importUsers(ndjson(7_103_000, 20, i -> "{\"est_n\": " + i + ", \"est_c\": \"" + (i < 5 ? "de" : "fr") + "\"}"))
                .statusCode(200);
        // a NOT also matches every other test's user (they have no est_c), so only its lower bound is known
        String rule = """
                {"operator": "AND", "conditions": [
                    {"attribute": "est_n", "op": "gte", "value": 10},
                    {"operator": "OR", "conditions": [
                        {"attribute": "est_c", "op": "eq", "value": "fr"},
                        {"attribute": "est_n", "op": "gte", "value": 18}]},
                    {"operator": "NOT", "conditions": [{"attribute": "est_c", "op": "eq", "value": "es"}]}]}""";
        estimate("{\"rules\": " + rule + ", \"per_node\": true}").statusCode(200)
                .body("estimate", equalTo(10))
                .body("nodes.size()", equalTo(7))
                .body("nodes.'/rules'.estimate", equalTo(10))
                .body("nodes.'/rules/conditions/0'.estimate", equalTo(10))
                .body("nodes.'/rules/conditions/1'.estimate", equalTo(15))
                .body("nodes.'/rules/conditions/1/conditions/0'.estimate", equalTo(15))
                .body("nodes.'/rules/conditions/1/conditions/1'.estimate", equalTo(2))
                .body("nodes.'/rules/conditions/2'.ci95_low", greaterOrEqual(20))
                .body("nodes.'/rules/conditions/2/conditions/0'.estimate", equalTo(0));
    }

    private static org.hamcrest.Matcher<Integer> greaterOrEqual(int value) {
        return org.hamcrest.Matchers.greaterThanOrEqualTo(value);
    }

    @Test
    void shouldEstimateComposableRulesAgainstCurrentMembership() {
        importUsers(ndjson(7_104_000, 8, i -> "{\"est_ref\": " + (i < 6) + ", \"est_ref_b\": " + (i % 2 == 0) + "}"))
                .statusCode(200);
        long base = createSegmentAndWait("estapi base", "{\"attribute\": \"est_ref\", \"op\": \"eq\", \"value\": true}");
        assertEquals(6, members(base, 7_104_000, 7_104_999).size());
        estimate(rules("{\"operator\": \"AND\", \"conditions\": [{\"segment\": " + base + "},"
                + " {\"attribute\": \"est_ref_b\", \"op\": \"eq\", \"value\": true}]}"))
                .statusCode(200).body("estimate", equalTo(3));
    }

    @Test
    void shouldEstimateASavedSegment() {
        importUsers(ndjson(7_105_000, 7, i -> "{\"est_saved\": \"x\"}")).statusCode(200);
        long id = createSegmentAndWait("estapi saved", "{\"attribute\": \"est_saved\", \"op\": \"eq\", \"value\": \"x\"}");
        given().contentType(ContentType.JSON).post("/api/v1/segments/" + id + "/estimate").then().statusCode(200)
                .body("estimate", equalTo(7)).body("method", equalTo("exact"));
        given().contentType(ContentType.JSON).body("{\"per_node\": true, \"sample_percent\": 50}")
                .post("/api/v1/segments/" + id + "/estimate").then().statusCode(200)
                .body("nodes.'/rules'.estimate", equalTo(7));
        given().contentType(ContentType.JSON).body("{\"rules\": " + GOLD + "}")
                .post("/api/v1/segments/" + id + "/estimate").then().statusCode(400)
                .body("errors.pointer", hasItem("/rules"));
        given().contentType(ContentType.JSON).post("/api/v1/segments/987654321/estimate").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).post("/api/v1/segments/abc/estimate").then().statusCode(400)
                .body("errors.pointer", hasItem("/id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "\"x\"", "100.5", "true"})
    void shouldRejectASamplePercentOutsideZeroToHundred(String percent) {
        estimate("{\"rules\": " + GOLD + ", \"sample_percent\": " + percent + "}").statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", hasItem("/sample_percent"));
    }

    @Test
    void shouldRejectMalformedRulesWithPointers() {
        estimate(rules("{\"operator\": \"AND\", \"conditions\": [{\"attribute\": \"est_plan\", \"op\": \"equals\", \"value\": 1}]}"))
                .statusCode(400).body("errors.pointer", hasItem("/rules/conditions/0/op"));
        estimate("{}").statusCode(400).body("errors.pointer", hasItem("/rules"));
        estimate("[]").statusCode(400);
        estimate("{\"rules\": " + GOLD + ", \"per_node\": \"yes\", \"method\": \"fast\", \"extra\": 1}").statusCode(400)
                .body("errors.pointer", hasItem("/per_node"))
                .body("errors.pointer", hasItem("/method"))
                .body("errors.pointer", hasItem("/extra"));
        estimate("{\"rules\": ").statusCode(400);
    }

    @Test
    void shouldRejectReferencesToMissingSegments() {
        estimate(rules("{\"operator\": \"OR\", \"conditions\": [" + GOLD + ", {\"segment\": 987654321}]}"))
                .statusCode(400).body("errors.pointer", hasItem("/rules/conditions/1"));
    }

    @Test
    void shouldDescribeEveryNewEndpointInOpenApi() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/segments/estimate:"))
                .body(containsString("/api/v1/segments/{id}/estimate:"))
                .body(containsString("/api/v1/segments/{id}/preview:"))
                .body(containsString("/api/v1/attributes:"))
                .body(containsString("/api/v1/attributes/{name}/values:"));
    }

    static String ndjson(long first, int count, java.util.function.IntFunction<String> attributes) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append("{\"user_id\": ").append(first + i).append(", \"attributes\": ").append(attributes.apply(i))
                    .append("}\n");
        }
        return lines.toString();
    }
}
