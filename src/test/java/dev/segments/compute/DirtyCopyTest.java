package dev.segments.compute;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.incremental;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A dirty flag's copy of its user's attributes (V16), which the dirty-user pass evaluates instead of
 * the snapshot, is exact or absent after every kind of snapshot write: events, PUT, PATCH, the
 * import, hand-written SQL (with and without marking), a user_id changed by hand, deletes and a
 * truncate. And the pass reaches the memberships the snapshots call for, from copies and without them;
 * a user's deletion waits for a claimed flag like an event does.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DirtyCopyTest {

    private static final long FIRST = 94_001;
    private static final long LAST = 94_300;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldKeepEveryCopyEqualToItsSnapshotThroughEveryKindOfWrite() throws Exception {
        long high = createSegmentAndWait("dcopy high", "{\"attribute\": \"dcopy_score\", \"op\": \"gte\", \"value\": 50}");

        // events for new users: the flag is set first, then the snapshot is created and written
        StringBuilder body = new StringBuilder("[");
        for (long user = FIRST; user <= FIRST + 99; user++) {
            body.append(user == FIRST ? "" : ",").append("{\"user_id\": ").append(user)
                    .append(", \"attributes\": {\"dcopy_score\": ").append(user % 100).append("}}");
        }
        events(body.append("]").toString()).statusCode(200);
        assertCopies("after events for new users", 100);

        putAttributes(FIRST, "{\"dcopy_score\": 99, \"dcopy_tier\": \"gold\"}").statusCode(200);
        patchAttributes(FIRST + 1, "{\"dcopy_score\": 98}").statusCode(200);
        patchAttributes(FIRST + 2, "{\"dcopy_score\": null}").statusCode(200);
        assertCopies("after PUT and PATCH", 100);

        StringBuilder ndjson = new StringBuilder();
        for (long user = FIRST + 100; user <= FIRST + 149; user++) {
            ndjson.append("{\"user_id\": ").append(user).append(", \"attributes\": {\"dcopy_score\": 77}}\n");
        }
        importUsers(ndjson.toString()).statusCode(200);
        // the import flags its new users without copies (the pass reads their snapshots)
        assertEquals(50, count("SELECT count(*) FROM dirty_user WHERE attributes IS NULL AND user_id BETWEEN "
                + (FIRST + 100) + " AND " + (FIRST + 149)));
        assertCopies("after an import", 100);

        // hand-written SQL: a change without marking refreshes the copies of flagged users ...
        sql("UPDATE user_attribute_snapshot SET attributes = attributes || '{\"dcopy_score\": 60}' WHERE user_id BETWEEN "
                + (FIRST + 10) + " AND " + (FIRST + 19));
        // ... a marker that writes no copy leaves the flag without one (the pass reads the snapshot)
        sql("INSERT INTO user_attribute_snapshot (user_id, attributes) VALUES (" + (FIRST + 200) + ", '{\"dcopy_score\": 51}')");
        sql("INSERT INTO dirty_user (user_id, seq) VALUES (" + (FIRST + 200) + ", nextval('dirty_user_seq'))");
        assertEquals(1, count("SELECT count(*) FROM dirty_user WHERE attributes IS NULL AND user_id = " + (FIRST + 200)));
        // ... a user_id changed by hand moves the copy to the new id's flag
        sql("INSERT INTO dirty_user (user_id, seq) VALUES (" + (FIRST + 201) + ", nextval('dirty_user_seq'))");
        sql("UPDATE user_attribute_snapshot SET user_id = " + (FIRST + 201) + " WHERE user_id = " + (FIRST + 60));
        assertEquals(1, count("SELECT count(*) FROM dirty_user WHERE attributes IS NULL AND user_id = " + (FIRST + 60)));
        assertCopies("after hand-written SQL", 100);
        // ... and a deleted snapshot clears it
        sql("DELETE FROM user_attribute_snapshot WHERE user_id = " + (FIRST + 70));
        assertEquals(1, count("SELECT count(*) FROM dirty_user WHERE attributes IS NULL AND user_id = " + (FIRST + 70)));
        given().delete("/api/v1/users/" + (FIRST + 71)).then().statusCode(204);
        assertCopies("after deletes", 98);

        // a truncate clears every copy (rolled back: the other tests' users stay)
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement()) {
            conn.setAutoCommit(false);
            sql.execute("SET LOCAL lock_timeout = '5s'");
            sql.execute("TRUNCATE user_attribute_snapshot");
            try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM dirty_user WHERE attributes IS NOT NULL")) {
                rows.next();
                assertEquals(0, rows.getLong(1), "copies left after a truncate");
            }
            conn.rollback();
        }
        assertCopies("after the rolled-back truncate", 98);

        // the pass evaluates copies and snapshots alike, and leaves the deleted and moved users out
        incremental().statusCode(200);
        assertEquals(0, count("SELECT count(*) FROM dirty_user WHERE user_id BETWEEN " + FIRST + " AND " + LAST));
        List<Long> expected = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet rows = sql.executeQuery("SELECT user_id FROM user_attribute_snapshot WHERE user_id BETWEEN "
                        + FIRST + " AND " + LAST + " AND (attributes->>'dcopy_score')::numeric >= 50 ORDER BY user_id")) {
            while (rows.next()) {
                expected.add(rows.getLong(1));
            }
        }
        assertTrue(expected.containsAll(List.of(FIRST, FIRST + 1, FIRST + 10, FIRST + 100, FIRST + 200)), expected.toString());
        assertTrue(expected.contains(FIRST + 201) && !expected.contains(FIRST + 60), "the moved user: " + expected);
        assertEquals(expected, members(high, FIRST, LAST), "members after the pass");
        assertTrue(LongStream.of(FIRST + 70, FIRST + 71, FIRST + 60).noneMatch(expected::contains));
    }

    /**
     * A user's deletion takes the user's flag before anything else, as an event does: while a pass holds
     * the flag, the deletion waits without holding the user's snapshot (so it cannot deadlock with an
     * event) and without having changed any membership of the claimed user.
     */
    @Test
    void shouldTakeTheFlagFirstWhenDeletingAUser() throws Exception {
        long user = 94_401;
        long segment = createSegmentAndWait("dcopy deleted", "{\"attribute\": \"dcopy_del\", \"op\": \"gte\", \"value\": 50}");
        putAttributes(user, "{\"dcopy_del\": 90}").statusCode(200);
        assertEquals(List.of(user), members(segment, user, user));
        try (Connection pass = dataSource.getConnection(); Statement claim = pass.createStatement()) {
            pass.setAutoCommit(false);
            try (ResultSet rows = claim.executeQuery("SELECT user_id FROM dirty_user WHERE user_id = " + user + " FOR UPDATE")) {
                assertTrue(rows.next(), "the user is flagged");
            }
            CompletableFuture<Integer> deletion = CompletableFuture.supplyAsync(
                    () -> given().delete("/api/v1/users/" + user).then().extract().statusCode());
            Thread.sleep(1_000);
            assertFalse(deletion.isDone(), "the deletion waits for the claimed flag");
            try (Connection other = dataSource.getConnection(); Statement probe = other.createStatement()) {
                other.setAutoCommit(false);
                try (ResultSet rows = probe.executeQuery(
                        "SELECT user_id FROM user_attribute_snapshot WHERE user_id = " + user + " FOR UPDATE NOWAIT")) {
                    assertTrue(rows.next(), "the snapshot is still there");
                } catch (SQLException e) {
                    fail("the waiting deletion holds the user's snapshot locked: " + e.getMessage());
                }
                other.rollback();
            }
            pass.commit();
            assertEquals(204, deletion.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), members(segment, user, user));
        assertEquals(0, count("SELECT count(*) FROM user_attribute_snapshot WHERE user_id = " + user));
    }

    /**
     * Every flag of the range has no copy or one equal to its snapshot's attributes (no snapshot: no
     * copy), and {@code withCopy} of them have one.
     */
    private void assertCopies(String when, long withCopy) throws Exception {
        List<String> wrong = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet rows = sql.executeQuery("""
                        SELECT d.user_id, d.attributes, s.attributes::text FROM dirty_user d
                        LEFT JOIN user_attribute_snapshot s ON s.user_id = d.user_id
                        WHERE d.user_id BETWEEN %d AND %d AND d.attributes IS NOT NULL
                          AND d.attributes IS DISTINCT FROM s.attributes::text""".formatted(FIRST, LAST))) {
            while (rows.next()) {
                wrong.add("user " + rows.getLong(1) + ": copy " + rows.getString(2) + ", snapshot " + rows.getString(3));
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), when + " (" + wrong.size() + " wrong copies)");
        assertEquals(withCopy, count("SELECT count(*) FROM dirty_user WHERE attributes IS NOT NULL AND user_id BETWEEN "
                + FIRST + " AND " + LAST), when + ": flags with a copy");
    }

    private void sql(String statement) throws Exception {
        Sql.execute(dataSource, statement);
    }

    private long count(String query) throws Exception {
        return Sql.count(dataSource, query);
    }
}
