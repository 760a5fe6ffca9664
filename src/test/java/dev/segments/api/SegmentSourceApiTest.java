package dev.segments.api;

import static dev.segments.testing.Api.createSegmentAndWait;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/sources/segment} with the payloads Segment's and RudderStack's webhook destinations
 * send: identify calls update attributes (and memberships), a repeated messageId changes nothing, other
 * call types are counted, a bad call is named and the rest of its batch applied. Users {@code src-...},
 * attributes prefixed {@code src_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SegmentSourceApiTest {

    @Inject
    AgroalDataSource dataSource;

    private static ValidatableResponse send(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/sources/segment").then();
    }

    @Test
    void shouldApplyASingleIdentifyCallAsSegmentSendsIt() throws Exception {
        long pro = createSegmentAndWait("src pro", "{\"attribute\": \"src_plan\", \"op\": \"eq\", \"value\": \"pro\"}");
        send("""
                {"type": "identify", "userId": "src-97dc", "anonymousId": "507f191e810c19729de860ea",
                 "messageId": "022bb90c-bbac-11e4-8dfc-aa07a5b093db", "timestamp": "2026-12-01T10:00:00.000Z",
                 "receivedAt": "2026-12-01T10:00:01.000Z", "sentAt": "2026-12-01T10:00:00.500Z", "version": 2,
                 "context": {"ip": "8.8.8.8", "library": {"name": "analytics.js", "version": "2.11.1"}},
                 "integrations": {"All": true},
                 "traits": {"src_plan": "pro", "email": "peter@example.com", "address": {"city": "Oslo"}}}""")
                .statusCode(200).contentType(ContentType.JSON)
                .body("received", equalTo(1)).body("applied", equalTo(1)).body("duplicates", equalTo(0))
                .body("rejected", equalTo(0));
        long user = userOf("src-97dc");
        assertEquals(1, count("SELECT count(*) FROM user_attribute_snapshot WHERE user_id = " + user
                + " AND attributes = '{\"src_plan\": \"pro\", \"email\": \"peter@example.com\", \"address.city\": \"Oslo\"}'"));
        assertEquals(1, count("SELECT count(*) FROM segment_membership WHERE removed_at IS NULL AND segment_id = " + pro
                + " AND user_id = " + user));
        assertEquals(1, count("SELECT count(*) FROM membership_event WHERE user_id = " + user + " AND segment_id = " + pro
                + " AND event_id = '022bb90c-bbac-11e4-8dfc-aa07a5b093db'"));
    }

    @Test
    void shouldTakeABatchCountOtherCallTypesAndIgnoreARetriedDelivery() throws Exception {
        String batch = """
                {"batch": [
                  {"type": "identify", "userId": "src-b1", "messageId": "src-m1", "traits": {"src_score": 10}},
                  {"type": "track", "userId": "src-b1", "event": "Order Completed", "messageId": "src-m2"},
                  {"type": "page", "anonymousId": "a-1", "name": "Home", "messageId": "src-m3"},
                  {"type": "identify", "anonymousId": "a-1", "traits": {"src_score": 1}, "messageId": "src-m4"},
                  {"type": "identify", "userId": 8470011, "messageId": "src-m5", "traits": {"src_score": 20},
                   "timestamp": "2026-12-01T10:00:00Z"},
                  {"type": "group", "userId": "src-b1", "groupId": "g1"}]}""";
        send(batch).statusCode(200)
                .body("received", equalTo(6)).body("applied", equalTo(2)).body("duplicates", equalTo(0))
                .body("ignored", equalTo(Map.of("track", 1, "page", 1, "anonymous", 1, "group", 1)));
        long history = count("SELECT count(*) FROM membership_event WHERE event_id LIKE 'src-m%'");
        long keys = count("SELECT count(*) FROM applied_event WHERE event_id LIKE 'src-m%'");
        assertEquals(2, keys);

        // Segment retries a delivery it did not see acknowledged: nothing changes
        send(batch).statusCode(200).body("applied", equalTo(2)).body("duplicates", equalTo(2)).body("joined", equalTo(0));
        assertEquals(history, count("SELECT count(*) FROM membership_event WHERE event_id LIKE 'src-m%'"));
        assertEquals(1, count("SELECT count(*) FROM user_attribute_snapshot WHERE user_id = 8470011"
                + " AND attributes = '{\"src_score\": 20}'"));
        assertEquals(0, count("SELECT count(*) FROM user_key WHERE external_id = 'a-1'"), "anonymous ids make no user");
    }

    @Test
    void shouldTakeTheArrayThatWebhooksActionsSendsWhenBatching() throws Exception {
        send("""
                [{"type": "identify", "userId": "src-arr-1", "traits": {"src_n": 1}},
                 {"type": "identify", "userId": "src-arr-2", "context": {"traits": {"src_n": 2}}}]""")
                .statusCode(200).body("applied", equalTo(2));
        assertEquals(1, count("SELECT count(*) FROM user_attribute_snapshot WHERE user_id = " + userOf("src-arr-2")
                + " AND attributes = '{\"src_n\": 2}'"));
    }

    @Test
    void shouldNameTheBadCallsAndApplyTheOthers() throws Exception {
        send("""
                {"batch": [
                  {"type": "identify", "userId": "src-ok-1", "traits": {"src_ok": true}},
                  {"type": "identify", "userId": "src-bad", "traits": "not an object"},
                  {"type": "identify", "userId": "src-ok-2", "traits": {"src_ok": true}},
                  {"type": "identify", "traits": {"src_ok": true}},
                  {"type": "signup", "userId": "src-ok-1"},
                  {"userId": "src-ok-1", "traits": {"src_ok": false}}]}""")
                .statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.pointer", contains("/batch/1/traits", "/batch/3/userId", "/batch/4/type", "/batch/5/type"))
                .body("applied_calls", equalTo(List.of(0, 2)))
                .body("applied", equalTo(2)).body("rejected", equalTo(4));
        assertEquals(2, count("SELECT count(*) FROM user_key k JOIN user_attribute_snapshot s ON s.user_id = k.id"
                + " WHERE k.external_id IN ('src-ok-1', 'src-ok-2') AND s.attributes = '{\"src_ok\": true}'"));
        assertEquals(0, count("SELECT count(*) FROM user_key WHERE external_id = 'src-bad'"));
    }

    @Test
    void shouldRefuseABodyThatIsNoCall() {
        given().contentType(ContentType.JSON).body("{\"batch\": ").post("/api/v1/sources/segment").then()
                .statusCode(400).contentType("application/problem+json").body("errors.pointer", contains(""));
        send("42").statusCode(400).contentType("application/problem+json");
        send("{\"batch\": []}").statusCode(400).body("errors.pointer", contains("/batch"));
    }

    @Test
    void shouldNeedAnEditorToken() {
        given().auth().none().header("Authorization", "Bearer nope").contentType(ContentType.JSON)
                .body("{\"type\": \"track\"}").post("/api/v1/sources/segment").then().statusCode(401);
    }

    private long userOf(String external) throws Exception {
        return count("SELECT id FROM user_key WHERE external_id = '" + external + "'");
    }

    private long count(String query) throws Exception {
        return Sql.count(dataSource, query);
    }
}
