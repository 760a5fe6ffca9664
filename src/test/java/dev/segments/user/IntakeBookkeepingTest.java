package dev.segments.user;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The intake counts the attribute catalog and writes its flags' attribute copies itself, with the triggers
 * skipping its snapshot UPDATE (V21): after random batches (types changing, attributes removed with null,
 * new users, a user several times in one batch, stale and repeated events, two batches at once), PUTs,
 * PATCHes, an import and hand-written SQL on the app's own connections, {@code attribute_stats} equals a
 * count from scratch over the snapshots, and every flag's copies equal the user's snapshot and segment set.
 * Users 7_410_000..7_410_199 and 7_410_500, attributes prefixed {@code ibk_} (only this class uses them).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class IntakeBookkeepingTest {

    private static final long FIRST = 7_410_000;
    private static final long LAST = 7_410_199;
    private static final long SOLO = 7_410_500;
    private static final String[] VALUES = {"\"s\"", "\"\"", "1", "2.5", "-7", "true", "false", "null", "[1]", "[]",
            "{\"k\": 1}", "{}", "60", "99"};

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Pool pool;

    @Test
    void shouldKeepTheCatalogAndTheFlagCopiesExactThroughRandomIntake() throws Exception {
        createSegmentAndWait("ibk high", "{\"attribute\": \"ibk_k0\", \"op\": \"gte\", \"value\": 50}");
        createSegmentAndWait("ibk flag", "{\"attribute\": \"ibk_k1\", \"op\": \"eq\", \"value\": true}");
        Random random = new Random(20261207L);
        int known = 5;
        for (int round = 0; round < 40; round++) {
            known = Math.min((int) (LAST - FIRST + 1), known + random.nextInt(8)); // new users join every round
            if (round % 4 == 3) {
                // two batches at once over the same users: they queue on the users' flags
                String one = batch(random, known, 40, round);
                String two = batch(random, known, 40, round);
                CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> events(one).extract().statusCode());
                CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> events(two).extract().statusCode());
                assertEquals(200, first.get());
                assertEquals(200, second.get());
            } else {
                events(batch(random, known, 60, round)).statusCode(200);
            }
            if (round % 5 == 1) {
                putAttributes(user(random, known), "{\"ibk_k0\": " + value(random) + ", \"ibk_k4\": " + value(random) + "}")
                        .statusCode(200);
                patchAttributes(user(random, known), "{\"ibk_k1\": " + value(random) + ", \"ibk_k2\": null}").statusCode(200);
            }
            if (round == 5) {
                assertFlagsHaveCopies();
            }
            if (round % 10 == 7) {
                // other writers on the app's own connections keep the triggers
                long user = user(random, known);
                pool.query("UPDATE user_attribute_snapshot SET attributes = attributes || '{\"ibk_k3\": [\"hand\"]}'"
                        + " WHERE user_id BETWEEN " + user + " AND " + (user + 3)).execute().await().indefinitely();
                importUsers("{\"user_id\": " + user(random, known) + ", \"attributes\": {\"ibk_k2\": \"imported\"}}\n")
                        .statusCode(200);
            }
            if (round % 10 == 9) {
                assertCatalogEqualsRecount("after round " + round);
                assertCopiesExact("after round " + round);
            }
        }
        assertTrue(Sql.count(dataSource, "SELECT count(DISTINCT json_type) FROM attribute_stats WHERE attribute = 'ibk_k0'") > 3,
                "types changed");
    }

    /** Inside one transaction, only the statement the writer declared as counted skips the triggers. */
    @Test
    void shouldSkipTheTriggersOnlyWhileTheWriterSaysSo() throws Exception {
        long user = SOLO;
        events("[{\"user_id\": " + user + ", \"attributes\": {\"ibk_solo\": 1}}]").statusCode(200);
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement()) {
            conn.setAutoCommit(false);
            sql.execute("SELECT set_config('segments.catalog_by_writer', 'on', true),"
                    + " set_config('segments.flag_copy_by_writer', 'on', true)");
            sql.execute("UPDATE user_attribute_snapshot SET attributes = '{\"ibk_solo\": \"a\"}' WHERE user_id = " + user);
            assertEquals(1, stats(sql, "number"), "the declared statement is not counted by the trigger");
            assertEquals("{\"ibk_solo\": 1}", copy(sql, user), "nor copied by it");
            sql.execute("SELECT set_config('segments.catalog_by_writer', 'off', true),"
                    + " set_config('segments.flag_copy_by_writer', 'off', true)");
            sql.execute("UPDATE user_attribute_snapshot SET attributes = '{\"ibk_solo\": true}' WHERE user_id = " + user);
            assertEquals(1, stats(sql, "boolean"), "the next statement is counted");
            assertEquals(-1, stats(sql, "string"));
            assertEquals("{\"ibk_solo\": true}", copy(sql, user), "and copied");
            conn.rollback();
        }
        assertCatalogEqualsRecount("after the rolled-back transaction");
    }

    private static long stats(Statement sql, String type) throws Exception {
        try (ResultSet rows = sql.executeQuery("SELECT coalesce(sum(users), 0) FROM attribute_stats"
                + " WHERE attribute = 'ibk_solo' AND json_type = '" + type + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String copy(Statement sql, long user) throws Exception {
        try (ResultSet rows = sql.executeQuery("SELECT attributes FROM dirty_user WHERE user_id = " + user)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** A batch of events: 1 to 3 attributes each, some stale, some repeating an event id of this round. */
    private static String batch(Random random, int known, int size, int round) {
        StringBuilder body = new StringBuilder("[");
        Instant now = Instant.now();
        for (int i = 0; i < size; i++) {
            body.append(i == 0 ? "" : ",").append("{\"user_id\": ").append(user(random, known)).append(", \"attributes\": {");
            int keys = 1 + random.nextInt(3);
            for (int k = 0; k < keys; k++) {
                body.append(k == 0 ? "" : ", ").append("\"ibk_k").append(random.nextInt(5)).append("\": ").append(value(random));
            }
            body.append('}');
            if (random.nextInt(4) == 0) {
                body.append(", \"occurred_at\": \"").append(now.minusSeconds(random.nextInt(3_600))).append('"');
            }
            if (random.nextInt(5) == 0) {
                body.append(", \"event_id\": \"ibk-").append(round).append('-').append(random.nextInt(6)).append('"');
            }
            body.append('}');
        }
        return body.append(']').toString();
    }

    private static long user(Random random, int known) {
        return FIRST + random.nextInt(known);
    }

    private static String value(Random random) {
        return VALUES[random.nextInt(VALUES.length)];
    }

    private void assertCatalogEqualsRecount(String when) throws Exception {
        String kept = "SELECT attribute, json_type, sum(users) AS n FROM attribute_stats WHERE attribute LIKE 'ibk_%'"
                + " GROUP BY 1, 2 HAVING sum(users) <> 0";
        String recount = "SELECT a.key, jsonb_typeof(a.value), count(*) FROM user_attribute_snapshot s,"
                + " jsonb_each(s.attributes) a WHERE a.key LIKE 'ibk_%' GROUP BY 1, 2";
        List<String> differences = rows("SELECT 'kept', * FROM ((" + kept + ") EXCEPT (" + recount + ")) k UNION ALL"
                + " SELECT 'recount', * FROM ((" + recount + ") EXCEPT (" + kept + ")) r");
        assertEquals(List.of(), differences, when + ": attribute_stats minus a recount, and the recount minus attribute_stats");
    }

    /** Every flag of the range: copies absent or equal to the snapshot and, while its epoch is current, to the set. */
    private void assertCopiesExact(String when) throws Exception {
        List<String> wrong = rows("""
                SELECT d.user_id, d.attributes, s.attributes::text FROM dirty_user d
                LEFT JOIN user_attribute_snapshot s ON s.user_id = d.user_id
                WHERE d.user_id BETWEEN %d AND %d AND d.attributes IS NOT NULL
                  AND d.attributes IS DISTINCT FROM s.attributes::text""".formatted(FIRST, LAST));
        assertEquals(List.of(), wrong, when + ": attribute copies unlike their snapshots");
        List<String> sets = rows("""
                SELECT d.user_id, d.segment_ids, u.segment_ids FROM dirty_user d
                LEFT JOIN user_segment_set u ON u.user_id = d.user_id
                WHERE d.user_id BETWEEN %d AND %d AND d.set_epoch = (SELECT epoch FROM segment_set_epoch)
                  AND ARRAY(SELECT unnest(coalesce(d.segment_ids, '{}')) ORDER BY 1)
                      IS DISTINCT FROM ARRAY(SELECT unnest(coalesce(u.segment_ids, '{}')) ORDER BY 1)""".formatted(FIRST, LAST));
        assertEquals(List.of(), sets, when + ": segment-set copies unlike the sets");
    }

    /** After intake only, every user of the range has a flag with both copies (the intake wrote them). */
    private void assertFlagsHaveCopies() throws Exception {
        assertTrue(Sql.count(dataSource, "SELECT count(*) FROM user_attribute_snapshot WHERE user_id BETWEEN "
                + FIRST + " AND " + LAST) > 10, "users of the range");
        assertEquals(0, Sql.count(dataSource, "SELECT count(*) FROM user_attribute_snapshot s WHERE user_id BETWEEN "
                + FIRST + " AND " + LAST + " AND NOT EXISTS (SELECT 1 FROM dirty_user d WHERE d.user_id = s.user_id"
                + " AND d.attributes IS NOT NULL AND d.set_epoch IS NOT NULL)"), "users without a flag with copies");
        assertCopiesExact("after events only");
    }

    private List<String> rows(String query) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet rows = sql.executeQuery(query)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next() && found.size() < 10) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c == 1 ? "" : " | ").append(rows.getString(c));
                }
                found.add(row.toString());
            }
        }
        return found;
    }
}
