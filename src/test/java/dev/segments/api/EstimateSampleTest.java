package dev.segments.api;

import static dev.segments.api.EstimateApiTest.estimate;
import static dev.segments.api.EstimateApiTest.ndjson;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The stored estimate sample ({@code estimate_sample}, V9): it stays equal to its definition (the
 * snapshots of users in the first 200 of 10,000 hash buckets) through every write path, and small
 * estimates read it. Users 7_130_000..7_139_999, attributes prefixed {@code estsmp_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EstimateSampleTest {

    /** Rows of the stored sample that differ from a from-scratch query of its definition (both ways). */
    private static final String DIFFERENCES = """
            SELECT count(*) FROM (
                (SELECT user_id, bucket, attributes FROM estimate_sample
                 EXCEPT ALL
                 SELECT user_id, estimate_bucket(user_id), attributes FROM user_attribute_snapshot
                 WHERE estimate_bucket(user_id) < 200)
                UNION ALL
                (SELECT user_id, estimate_bucket(user_id), attributes FROM user_attribute_snapshot
                 WHERE estimate_bucket(user_id) < 200
                 EXCEPT ALL
                 SELECT user_id, bucket, attributes FROM estimate_sample)) d""";

    @Inject
    Pool pool;

    private long differences() {
        return pool.query(DIFFERENCES).execute().await().indefinitely().iterator().next().getLong(0);
    }

    private long sampled(long from, long to) {
        return pool.preparedQuery("SELECT count(*) FROM estimate_sample WHERE user_id BETWEEN $1 AND $2")
                .execute(Tuple.of(from, to)).await().indefinitely().iterator().next().getLong(0);
    }

    /** A user of the range in the stored sample (or not), found by its bucket. */
    private long user(long from, long to, boolean inSample) {
        Row row = pool.preparedQuery("""
                SELECT min(u) FROM generate_series($1::bigint, $2::bigint) u
                WHERE (estimate_bucket(u) < 200) = $3""").execute(Tuple.of(from, to, inSample))
                .await().indefinitely().iterator().next();
        return row.getLong(0);
    }

    private void sql(String sql, Tuple args) {
        pool.preparedQuery(sql).execute(args).await().indefinitely();
    }

    @Test
    void shouldBucketUsersUniformly() {
        Row row = pool.query("""
                SELECT count(*) FILTER (WHERE estimate_bucket(u) < 200), min(estimate_bucket(u)), max(estimate_bucket(u))
                FROM generate_series(1::bigint, 200000) u""").execute().await().indefinitely().iterator().next();
        // 2% of 200,000 is 4,000, with a standard deviation of 63
        assertTrue(Math.abs(row.getLong(0) - 4000) < 300, row.getLong(0) + " of 200,000 in the sample");
        assertEquals(0, row.getInteger(1));
        assertEquals(9999, row.getInteger(2));
    }

    @Test
    void shouldKeepTheSampleEqualToItsDefinitionThroughEveryWritePath() {
        long first = 7_130_000;
        long last = first + 4_999;
        importUsers(ndjson(first, 5_000, i -> "{\"estsmp_n\": " + i + "}")).statusCode(200);
        assertEquals(0, differences(), "after an import");
        long inRange = sampled(first, last);
        assertTrue(inRange > 50 && inRange < 160, inRange + " of 5,000 imported users sampled");

        // a re-import of the same users changes attributes (an upsert: update triggers)
        importUsers(ndjson(first, 5_000, i -> "{\"estsmp_n\": " + (i + 1) + ", \"estsmp_again\": true}"))
                .statusCode(200);
        assertEquals(0, differences(), "after a re-import");

        long in = user(first, last, true);
        long out = user(first, last, false);
        events("[{\"user_id\": " + in + ", \"attributes\": {\"estsmp_event\": 1}},"
                + " {\"user_id\": " + out + ", \"attributes\": {\"estsmp_event\": 2}}]").statusCode(200);
        assertEquals(0, differences(), "after events");
        putAttributes(in, "{\"estsmp_put\": \"x\"}").statusCode(200);
        assertEquals(0, differences(), "after PUT");
        patchAttributes(in, "{\"estsmp_patch\": \"y\"}").statusCode(200);
        assertEquals(0, differences(), "after PATCH");
        // events for new users insert snapshots
        long newIn = user(first + 5_000, first + 9_999, true);
        events("[{\"user_id\": " + newIn + ", \"attributes\": {\"estsmp_new\": true}}]").statusCode(200);
        assertEquals(0, differences(), "after an event of a new user");
        assertEquals(inRange + 1, sampled(first, first + 9_999));

        given().delete("/api/v1/users/" + in).then().statusCode(204);
        given().delete("/api/v1/users/" + out).then().statusCode(204);
        assertEquals(0, differences(), "after deletes");
        assertEquals(inRange, sampled(first, first + 9_999));

        // by hand: a user_id moved into and out of the sample, a bulk update and a bulk delete
        long movedFrom = user(first + 5_000, first + 9_999, false);
        sql("INSERT INTO user_attribute_snapshot (user_id, attributes) VALUES ($1, '{\"estsmp_hand\": 1}')",
                Tuple.of(movedFrom));
        long target = user(first + 5_001, first + 9_999, true) == newIn ? user(newIn + 1, first + 9_999, true)
                : user(first + 5_001, first + 9_999, true);
        sql("UPDATE user_attribute_snapshot SET user_id = $2 WHERE user_id = $1", Tuple.of(movedFrom, target));
        assertEquals(0, differences(), "after moving a user into the sample");
        sql("UPDATE user_attribute_snapshot SET user_id = $2 WHERE user_id = $1", Tuple.of(target, movedFrom));
        assertEquals(0, differences(), "after moving a user out of the sample");
        sql("UPDATE user_attribute_snapshot SET attributes = attributes || '{\"estsmp_bulk\": true}'"
                + " WHERE user_id BETWEEN $1 AND $2", Tuple.of(first, first + 2_000));
        assertEquals(0, differences(), "after a bulk update");
        sql("DELETE FROM user_attribute_snapshot WHERE user_id BETWEEN $1 AND $2", Tuple.of(first, first + 9_999));
        assertEquals(0, differences(), "after a bulk delete");
        assertEquals(0, sampled(first, first + 9_999));
    }

    @Test
    void shouldEstimateSmallSamplesFromTheStoredSample() {
        importUsers(ndjson(7_135_000, 3_000, i -> "{\"estsmp_flag\": " + (i % 4 == 0) + "}")).statusCode(200);
        long stored = pool.query("SELECT count(*) FROM estimate_sample").execute().await().indefinitely()
                .iterator().next().getLong(0);
        String rule = "{\"attribute\": \"estsmp_flag\", \"op\": \"eq\", \"value\": true}";
        // 2% is the whole stored sample (a Bernoulli rate of 100% over it)
        JsonPath all = estimate("{\"rules\": " + rule + ", \"sample_percent\": 2, \"method\": \"sample\"}")
                .statusCode(200).body("method", equalTo("sample")).extract().jsonPath();
        assertEquals(stored, all.getLong("sample_size"), all.prettify());
        long matches = pool.query("SELECT count(*) FROM estimate_sample WHERE attributes @> '{\"estsmp_flag\": true}'")
                .execute().await().indefinitely().iterator().next().getLong(0);
        assertEquals(matches, all.getLong("sample_matches"), all.prettify());
        // 1% takes about half of it, never more than all of it
        JsonPath half = estimate("{\"rules\": " + rule + ", \"sample_percent\": 1, \"method\": \"sample\"}")
                .statusCode(200).body("method", equalTo("sample")).extract().jsonPath();
        assertTrue(half.getLong("sample_size") <= stored, half.prettify());
        assertTrue(half.getLong("ci95_low") <= half.getLong("estimate")
                && half.getLong("estimate") <= half.getLong("ci95_high"), half.prettify());
        // per-node estimates read the same table
        JsonPath nodes = estimate("{\"rules\": {\"operator\": \"AND\", \"conditions\": [" + rule + "]}, \"sample_percent\": 2, \"per_node\": true,"
                + " \"method\": \"sample\"}").statusCode(200).extract().jsonPath();
        assertEquals(stored, nodes.getLong("sample_size"), nodes.prettify());
        assertEquals(matches, nodes.getLong("nodes.'/rules/conditions/0'.sample_matches"), nodes.prettify());
    }
}
