package dev.segments.api;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import dev.segments.user.AppliedEvents;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Attribute intake with the customers' own user ids: strings as they are, numbers as their decimal
 * strings (the same user), every other id mapped once through {@code user_key}; explicit event ids
 * applied once per user. Users are named {@code sid-...} (and numbers 61_000..61_999), attributes
 * prefixed {@code sid_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class StringUserIdIntakeTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AppliedEvents applied;

    @Inject
    Pool pool;

    @Test
    void shouldTakeAStringUserIdThroughPutPatchAndEvents() throws Exception {
        long pro = createSegmentAndWait("sid pro", "{\"attribute\": \"sid_plan\", \"op\": \"eq\", \"value\": \"pro\"}");
        String id = "sid-user_8f3a/é 😀?#%";
        given().contentType(ContentType.JSON).body("{\"sid_plan\": \"pro\"}")
                .put("/api/v1/users/{id}/attributes", id).then().statusCode(200)
                .body("user_id", equalTo(id)).body("segments", hasItem((int) pro));
        given().contentType(ContentType.JSON).body("{\"sid_city\": \"Oslo\"}")
                .patch("/api/v1/users/{id}/attributes", id).then().statusCode(200)
                .body("user_id", equalTo(id)).body("attributes.sid_city", equalTo("Oslo"));
        events("[{\"user_id\": \"" + id.replace("\"", "\\\"") + "\", \"attributes\": {\"sid_plan\": \"free\"}}]")
                .statusCode(200).body("left", equalTo(1));

        assertEquals(1, count("SELECT count(*) FROM user_key WHERE external_id = '" + id.replace("'", "''") + "'"));
        long internal = count("SELECT id FROM user_key WHERE external_id = '" + id.replace("'", "''") + "'");
        assertEquals(true, internal >= 1L << 62, "allocated ids start at 2^62");
        assertEquals(1, count("SELECT count(*) FROM user_attribute_snapshot WHERE user_id = " + internal
                + " AND attributes = '{\"sid_plan\": \"free\", \"sid_city\": \"Oslo\"}'"));
        assertEquals(2, count("SELECT count(*) FROM membership_event WHERE user_id = " + internal + " AND segment_id = " + pro));
        assertEquals(id, text("SELECT user_external_id(" + internal + ")"));
    }

    @Test
    void shouldTakeANumberAndItsDecimalStringForTheSameUserWithoutAMapping() throws Exception {
        events("""
                [{"user_id": 61001, "attributes": {"sid_a": 1}},
                 {"user_id": "61001", "attributes": {"sid_b": 2}},
                 {"user_id": 61001.0, "attributes": {"sid_c": 3}},
                 {"user_id": "061001", "attributes": {"sid_d": 4}}]""")
                .statusCode(200).body("processed", equalTo(4));
        assertEquals(1, count("SELECT count(*) FROM user_attribute_snapshot WHERE user_id = 61001"
                + " AND attributes = '{\"sid_a\": 1, \"sid_b\": 2, \"sid_c\": 3}'"));
        assertEquals(0, count("SELECT count(*) FROM user_key WHERE external_id = '61001'"));
        assertEquals(1, count("SELECT count(*) FROM user_key k JOIN user_attribute_snapshot s ON s.user_id = k.id"
                + " WHERE k.external_id = '061001' AND s.attributes = '{\"sid_d\": 4}'"), "leading zeros make another user");
        assertEquals("61001", text("SELECT user_external_id(61001)"));
    }

    @Test
    void shouldApplyAnEventIdOncePerUser() throws Exception {
        long gold = createSegmentAndWait("sid gold", "{\"attribute\": \"sid_tier\", \"op\": \"eq\", \"value\": \"gold\"}");
        events("[{\"user_id\": \"sid-dup\", \"event_id\": \"e-1\", \"attributes\": {\"sid_tier\": \"gold\"}},"
                + " {\"user_id\": \"sid-dup\", \"event_id\": \"e-1\", \"attributes\": {\"sid_tier\": \"silver\"}}]")
                .statusCode(200).body("processed", equalTo(2)).body("duplicates", equalTo(1));
        // the same delivery again, and the key with other attributes: nothing changes
        events("[{\"user_id\": \"sid-dup\", \"event_id\": \"e-1\", \"attributes\": {\"sid_tier\": \"gold\"}}]")
                .statusCode(200).body("duplicates", equalTo(1)).body("joined", equalTo(0));
        events("[{\"user_id\": \"sid-dup\", \"event_id\": \"e-1\", \"attributes\": {\"sid_tier\": \"bronze\"}}]")
                .statusCode(200).body("duplicates", equalTo(1)).body("left", equalTo(0));
        long user = count("SELECT id FROM user_key WHERE external_id = 'sid-dup'");
        assertEquals(1, count("SELECT count(*) FROM user_attribute_snapshot WHERE user_id = " + user
                + " AND attributes = '{\"sid_tier\": \"gold\"}'"));
        assertEquals(1, count("SELECT count(*) FROM membership_event WHERE user_id = " + user + " AND segment_id = " + gold));
        // a key is per user; events without a key are never deduplicated (a new user may join other classes'
        // segments too, so its joins are counted in SQL, for this class's segment only)
        events("[{\"user_id\": \"sid-dup-2\", \"event_id\": \"e-1\", \"attributes\": {\"sid_tier\": \"gold\"}},"
                + " {\"user_id\": \"sid-dup\", \"attributes\": {\"sid_tier\": \"silver\"}},"
                + " {\"user_id\": \"sid-dup\", \"attributes\": {\"sid_tier\": \"silver\"}}]")
                .statusCode(200).body("duplicates", equalTo(0)).body("left", equalTo(1));
        assertEquals(1, count("SELECT count(*) FROM segment_membership m JOIN user_key k ON k.id = m.user_id"
                + " WHERE k.external_id = 'sid-dup-2' AND m.segment_id = " + gold + " AND m.removed_at IS NULL"));
        assertEquals(2, count("SELECT count(*) FROM applied_event WHERE event_id = 'e-1'"));
    }

    @Test
    void shouldApplyAKeyAgainOnceItIsOlderThanTheWindowAndForgotten() throws Exception {
        events("[{\"user_id\": \"sid-old\", \"event_id\": \"e-old\", \"attributes\": {\"sid_v\": 1}}]").statusCode(200);
        Sql.execute(dataSource, "UPDATE applied_event SET applied_at = now() - interval '8 days' WHERE event_id = 'e-old'");
        events("[{\"user_id\": \"sid-kept\", \"event_id\": \"e-kept\", \"attributes\": {\"sid_v\": 1}}]").statusCode(200);

        int forgotten = applied.forgetOlderThan(pool, Duration.ofDays(7)).await().atMost(Duration.ofSeconds(30));

        assertEquals(true, forgotten >= 1);
        assertEquals(0, count("SELECT count(*) FROM applied_event WHERE event_id = 'e-old'"));
        events("[{\"user_id\": \"sid-old\", \"event_id\": \"e-old\", \"attributes\": {\"sid_v\": 2}}]")
                .statusCode(200).body("duplicates", equalTo(0));
        events("[{\"user_id\": \"sid-kept\", \"event_id\": \"e-kept\", \"attributes\": {\"sid_v\": 2}}]")
                .statusCode(200).body("duplicates", equalTo(1));
    }

    @Test
    void shouldMapANewIdOnceWhenRequestsRace() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                Callable<Integer> request = () -> events("[{\"user_id\": \"sid-race\", \"attributes\": {\"sid_n" + n
                        + "\": " + n + "}}, {\"user_id\": \"sid-race-" + (n % 4) + "\", \"attributes\": {\"sid_m\": 1}}]")
                        .extract().statusCode();
                answers.add(pool.submit(request));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(5, count("SELECT count(*) FROM user_key WHERE external_id LIKE 'sid-race%'"));
        assertEquals(16, count("SELECT count(*) FROM user_key k JOIN user_attribute_snapshot s ON s.user_id = k.id,"
                + " jsonb_object_keys(s.attributes) WHERE k.external_id = 'sid-race'"));
    }

    @Test
    void shouldRejectABatchWithABadIdAndApplyNothing() throws Exception {
        events("[{\"user_id\": \"sid-never\", \"attributes\": {\"sid_x\": 1}}, {\"user_id\": \"\", \"attributes\": {}}]")
                .statusCode(400).contentType("application/problem+json").body("errors.pointer", contains("/1/user_id"));
        assertEquals(0, count("SELECT count(*) FROM user_key WHERE external_id = 'sid-never'"));
    }

    private long count(String query) throws Exception {
        return Sql.count(dataSource, query);
    }

    private String text(String query) throws Exception {
        try (var conn = dataSource.getConnection(); var sql = conn.createStatement(); var rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
