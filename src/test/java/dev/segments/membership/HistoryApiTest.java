package dev.segments.membership;

import static dev.segments.testing.Api.awaitJobsCompleted;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.postSegment;
import static dev.segments.testing.Api.putAttributes;
import static dev.segments.testing.Api.segmentBody;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** User and segment history, the changes feed and the NDJSON members stream. Users 910_000..910_999, attributes {@code hist_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class HistoryApiTest {

    private static final String GOLD = "{\"attribute\": \"hist_tier\", \"op\": \"eq\", \"value\": \"gold\"}";

    @Test
    void shouldKeepEveryJoinAndLeaveOfAUserWithItsCause() {
        long segment = createSegmentAndWait("history gold", GOLD);
        tier(910_001, "gold", "ev-1");
        tier(910_001, "silver", "ev-2");
        tier(910_001, "gold", "ev-3");

        JsonPath history = given().queryParam("segment_id", segment).get("/api/v1/users/910001/history")
                .then().statusCode(200).body("user_id", equalTo("910001")).body("exists", equalTo(true))
                .body("next_after", nullValue()).extract().jsonPath();
        assertEquals(List.of("join", "leave", "join"), history.getList("history.kind"));
        assertEquals(List.of("ev-3", "ev-2", "ev-1"), history.getList("history.cause.event_id"));
        assertEquals(List.of("event", "event", "event"), history.getList("history.cause.kind"));
        assertEquals("history gold", history.getString("history[0].segment_name"));
        assertTrue(history.getLong("history[0].id") > history.getLong("history[1].id"));

        var created = postSegment(segmentBody("history gold by job", GOLD)).then().statusCode(201).extract().jsonPath();
        awaitJobsCompleted(List.of(created.getLong("job_id")));
        given().queryParam("segment_id", created.getLong("id")).get("/api/v1/users/910001/history").then().statusCode(200)
                .body("history", hasSize(1))
                .body("history[0].kind", equalTo("join"))
                .body("history[0].cause.kind", equalTo("job"))
                .body("history[0].cause.job_id", equalTo(created.getInt("job_id")))
                .body("history[0].cause.job_kind", equalTo("full"))
                .body("history[0].cause.triggered_by", equalTo("rule_change"));
    }

    @Test
    void shouldPageAUsersHistoryAndKeepItReadableAfterTheUserIsDeleted() {
        long segment = createSegmentAndWait("history paging", "{\"attribute\": \"hist_page\", \"op\": \"eq\", \"value\": true}");
        for (int i = 0; i < 5; i++) {
            putAttributes(910_002, "{\"hist_page\": " + (i % 2 == 0) + "}").statusCode(200);
        }
        given().delete("/api/v1/users/910002").then().statusCode(204);

        List<String> kinds = new ArrayList<>();
        List<String> causes = new ArrayList<>();
        Object after = null;
        int pages = 0;
        do {
            JsonPath page = given().queryParam("limit", 2).queryParam("after", after == null ? "" : after)
                    .queryParam("segment_id", segment).get("/api/v1/users/910002/history")
                    .then().statusCode(200).body("exists", equalTo(false)).extract().jsonPath();
            kinds.addAll(page.getList("history.kind"));
            causes.addAll(page.getList("history.cause.kind"));
            after = page.get("next_after");
            pages++;
        } while (after != null);
        assertEquals(List.of("leave", "join", "leave", "join", "leave", "join"), kinds);
        assertEquals("user_deleted", causes.get(0));
        assertEquals(4, pages);
    }

    @Test
    void shouldAnswerNotFoundAndRejectBadParameters() {
        given().get("/api/v1/users/910999/history").then().statusCode(404);
        given().get("/api/v1/segments/987654321/history").then().statusCode(404);
        given().get("/api/v1/segments/987654321/changes").then().statusCode(404);
        given().get("/api/v1/segments/987654321/members.ndjson").then().statusCode(404);
        long segment = createSegmentAndWait("history bad input", GOLD);
        tier(910_003, "gold", null);
        badRequest("/api/v1/users/910003/history?after=abc", "/after");
        badRequest("/api/v1/users/910003/history?limit=0", "/limit");
        badRequest("/api/v1/users/910003/history?segment_id=x", "/segment_id");
        given().get("/api/v1/users/abc/history").then().statusCode(404); // a string id no user has
        badRequest("/api/v1/users/" + "x".repeat(256) + "/history", "/user_id");
        badRequest("/api/v1/segments/" + segment + "/history?after=12", "/after");
        badRequest("/api/v1/segments/" + segment + "/history?after=a-b", "/after");
        badRequest("/api/v1/segments/" + segment + "/changes?since=-1-5", "/since");
        badRequest("/api/v1/segments/" + segment + "/changes?since=1-2-3", "/since");
        badRequest("/api/v1/segments/" + segment + "/changes?limit=10001", "/limit");
    }

    @Test
    void shouldPageASegmentsHistoryNewestFirst() {
        long segment = createSegmentAndWait("history segment", GOLD);
        for (long user = 910_010; user < 910_015; user++) {
            tier(user, "gold", "seg-" + user);
        }
        tier(910_010, "bronze", "seg-leave");

        List<Map<String, Object>> all = new ArrayList<>();
        String after = null;
        do {
            JsonPath page = given().queryParam("limit", 4).queryParam("after", after == null ? "" : after)
                    .get("/api/v1/segments/" + segment + "/history").then().statusCode(200)
                    .body("segment_id", equalTo((int) segment)).extract().jsonPath();
            all.addAll(page.getList("history"));
            after = page.getString("next_after");
        } while (after != null);
        List<Map<String, Object>> own = all.stream()
                .filter(e -> Long.parseLong((String) e.get("user_id")) >= 910_010 && Long.parseLong((String) e.get("user_id")) < 910_015)
                .toList();
        assertEquals(6, own.size(), own.toString());
        assertEquals("leave", own.get(0).get("kind"));
        assertEquals("910010", own.get(0).get("user_id"));
        assertEquals("910014", own.get(1).get("user_id"));
        assertEquals("910010", own.get(5).get("user_id"));
    }

    @Test
    void shouldServeTheChangesFeedInOrderAndResumeFromTheCursor() {
        long segment = createSegmentAndWait("history feed", "{\"attribute\": \"hist_feed\", \"op\": \"gte\", \"value\": 1}");
        putAttributes(910_020, "{\"hist_feed\": 1}").statusCode(200);
        putAttributes(910_021, "{\"hist_feed\": 2}").statusCode(200);
        putAttributes(910_020, "{\"hist_feed\": 0}").statusCode(200);

        JsonPath first = feed(segment, null, 2);
        assertEquals(List.of("910020", "910021"), first.getList("changes.user_id"));
        assertEquals(List.of("join", "join"), first.getList("changes.kind"));
        assertEquals(true, first.getBoolean("has_more"));
        JsonPath second = feed(segment, first.getString("next_since"), 2);
        assertEquals(List.of("910020"), second.getList("changes.user_id"));
        assertEquals(List.of("leave"), second.getList("changes.kind"));
        assertEquals(false, second.getBoolean("has_more"));
        JsonPath idle = feed(segment, second.getString("next_since"), 2);
        assertEquals(List.of(), idle.getList("changes"));
        assertEquals(second.getString("next_since"), idle.getString("next_since"));

        putAttributes(910_022, "{\"hist_feed\": 3}").statusCode(200);
        JsonPath next = feed(segment, idle.getString("next_since"), 10);
        assertEquals(List.of("910022"), next.getList("changes.user_id"));
        assertEquals(feed(segment, "0", 10).getList("changes.id"), feed(segment, null, 10).getList("changes.id"));
    }

    @Test
    void shouldStreamMembersAsNdjson() throws Exception {
        long segment = createSegmentAndWait("history ndjson", "{\"attribute\": \"hist_nd\", \"op\": \"eq\", \"value\": 1}");
        putAttributes(910_031, "{\"hist_nd\": 1}").statusCode(200);
        putAttributes(910_030, "{\"hist_nd\": 1}").statusCode(200);
        String body = given().get("/api/v1/segments/" + segment + "/members.ndjson").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("application/x-ndjson")).extract().asString();
        ObjectMapper json = new ObjectMapper();
        List<Long> users = new ArrayList<>();
        for (String line : body.split("\n")) {
            JsonNode member = json.readTree(line);
            assertTrue(member.get("user_id").isTextual(), line);
            users.add(member.get("user_id").asLong());
            assertTrue(member.get("added_at").asText().endsWith("Z"), line);
        }
        assertEquals(List.of(910_030L, 910_031L), users);
        given().get("/api/v1/segments/" + segment + "/members.ndjson").then().header("Content-Type", notNullValue());
    }

    @Test
    void shouldDescribeTheNewEndpointsInOpenApi() {
        String openapi = given().get("/q/openapi").then().statusCode(200).extract().asString();
        for (String path : List.of("/api/v1/segments/{id}/changes:", "/api/v1/segments/{id}/history:",
                "/api/v1/users/{id}/history:", "/api/v1/segments/{id}/members.ndjson:", "/api/v1/segments/{id}/drift:",
                "/api/v1/segments/{id}/alert-settings:", "/api/v1/alerts:", "/api/v1/alerts/{id}/acknowledge:")) {
            assertTrue(openapi.contains(path), path + " is missing from /q/openapi");
        }
    }

    private static JsonPath feed(long segment, String since, int limit) {
        return given().queryParam("limit", limit).queryParam("since", since == null ? "" : since)
                .get("/api/v1/segments/" + segment + "/changes").then().statusCode(200).extract().jsonPath();
    }

    private static void tier(long user, String tier, String eventId) {
        String id = eventId == null ? "" : ", \"event_id\": \"" + eventId + "\"";
        events("[{\"user_id\": " + user + ", \"attributes\": {\"hist_tier\": \"" + tier + "\"}" + id + "}]").statusCode(200);
    }

    private static void badRequest(String path, String pointer) {
        given().get(path).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo(pointer));
    }
}
