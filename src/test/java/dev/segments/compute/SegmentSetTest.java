package dev.segments.compute;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.incremental;
import static dev.segments.testing.Api.putAttributes;
import static dev.segments.testing.Api.putSegment;
import static dev.segments.testing.Api.segmentBody;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code user_segment_set} (V13) is a projection of the open memberships that the per-user paths read
 * instead of the membership table: it must equal them after every kind of write, including writes of
 * different segments of the same users at the same time.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SegmentSetTest {

    private static final long FIRST = 70_001;
    private static final long LAST = 70_300;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldEqualTheOpenMembershipsThroughEveryKindOfWrite() throws Exception {
        for (long user = FIRST; user <= LAST; user++) {
            putAttributes(user, "{\"uss_score\": " + (user % 100) + ", \"uss_tier\": \"" + (user % 3 == 0 ? "gold" : "free")
                    + "\"}").statusCode(200);
        }
        long high = createSegmentAndWait("uss high", "{\"attribute\": \"uss_score\", \"op\": \"gte\", \"value\": 50}");
        long gold = createSegmentAndWait("uss gold", "{\"attribute\": \"uss_tier\", \"op\": \"eq\", \"value\": \"gold\"}");
        long both = createSegmentAndWait("uss both", "{\"operator\": \"AND\", \"conditions\": [{\"segment\": " + high
                + "}, {\"segment\": " + gold + "}]}");
        long absent = createSegmentAndWait("uss no flag", "{\"attribute\": \"uss_flag\", \"op\": \"is_null\"}");
        assertSetsEqualMemberships("after the first computes");

        // real-time: events move users in and out of several segments at once
        events(eventsFor(FIRST, FIRST + 99, "{\"uss_score\": 99, \"uss_tier\": \"gold\"}")).statusCode(200);
        events(eventsFor(FIRST + 100, FIRST + 149, "{\"uss_score\": 1, \"uss_flag\": true}")).statusCode(200);
        assertSetsEqualMemberships("after events");

        // the dirty-user pass: imported users (not evaluated on import) and users changed behind the API
        StringBuilder ndjson = new StringBuilder();
        for (long user = LAST + 1; user <= LAST + 50; user++) {
            ndjson.append("{\"user_id\": ").append(user).append(", \"attributes\": {\"uss_score\": 77, \"uss_tier\": \"gold\"}}\n");
        }
        importUsers(ndjson.toString()).statusCode(200);
        sql("""
                WITH changed AS (UPDATE user_attribute_snapshot SET attributes = attributes || '{"uss_score": 3}'
                                 WHERE user_id BETWEEN %d AND %d RETURNING user_id)
                INSERT INTO dirty_user (user_id, seq) SELECT user_id, nextval('dirty_user_seq') FROM changed
                ON CONFLICT (user_id) DO UPDATE SET seq = EXCLUDED.seq""".formatted(FIRST + 150, FIRST + 199));
        incremental().statusCode(200);
        assertSetsEqualMemberships("after the dirty-user pass");

        // full computes: a rule change, then a deleted user
        putSegment(high, segmentBody("uss high", "{\"attribute\": \"uss_score\", \"op\": \"gte\", \"value\": 20}"))
                .then().statusCode(200);
        awaitAllJobs(List.of(high, gold, both, absent));
        given().delete("/api/v1/users/" + FIRST).then().statusCode(204);
        assertSetsEqualMemberships("after a rule change and a deleted user");

        // a deleted segment leaves every set
        given().delete("/api/v1/segments/" + absent).then().statusCode(204);
        assertSetsEqualMemberships("after a segment was deleted");
        assertEquals(0, count("SELECT count(*) FROM user_segment_set WHERE " + absent + " = ANY (segment_ids)"));
        assertTrue(count("SELECT count(*) FROM user_segment_set WHERE " + both + " = ANY (segment_ids)") > 0);
    }

    @Test
    void shouldStayExactWhenFullComputesAndEventsWriteTheSameUsersAtOnce() throws Exception {
        long first = 71_001;
        long last = 71_400;
        for (long user = first; user <= last; user++) {
            putAttributes(user, "{\"ussc_a\": " + (user % 10) + ", \"ussc_b\": " + (user % 7) + "}").statusCode(200);
        }
        List<Long> segments = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            segments.add(createSegmentAndWait("ussc " + i, "{\"attribute\": \"ussc_" + (i % 2 == 0 ? "a" : "b")
                    + "\", \"op\": \"lt\", \"value\": " + (3 + i) + "}"));
        }
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int round = 0; round < 6; round++) {
                int shift = round;
                for (long segment : segments) {
                    running.add(writers.submit(() -> putSegment(segment, segmentBody("ussc " + segment,
                            "{\"attribute\": \"ussc_a\", \"op\": \"gte\", \"value\": " + ((segment + shift) % 10) + "}"))
                            .then().statusCode(200)));
                }
                Random random = new Random(round);
                running.add(writers.submit(() -> {
                    for (int batch = 0; batch < 5; batch++) {
                        StringBuilder body = new StringBuilder("[");
                        for (int i = 0; i < 100; i++) {
                            long user = first + random.nextInt((int) (last - first + 1));
                            body.append(i == 0 ? "" : ",").append("{\"user_id\": ").append(user)
                                    .append(", \"attributes\": {\"ussc_a\": ").append(random.nextInt(10))
                                    .append(", \"ussc_b\": ").append(random.nextInt(7)).append("}}");
                        }
                        events(body.append("]").toString()).statusCode(200);
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            writers.shutdown();
        }
        awaitAllJobs(segments);
        assertSetsEqualMemberships(first, last, "after concurrent full computes and events");

        // the events' flags carry copies of the sets (V17), stamped before or after some full compute:
        // the pass must take only the current ones for true, and so find nothing to change
        String history = "SELECT count(*) FROM membership_event WHERE user_id BETWEEN " + first + " AND " + last;
        long written = count(history);
        assertTrue(count("SELECT count(*) FROM dirty_user WHERE user_id BETWEEN " + first + " AND " + last) > 0);
        incremental().statusCode(200);
        assertEquals(written, count(history), "joins or leaves written by the pass after the full computes");
        assertSetsEqualMemberships(first, last, "after the pass");
    }

    private void assertSetsEqualMemberships(String when) throws Exception {
        assertSetsEqualMemberships(FIRST, LAST + 50, when);
    }

    /** Every user in the range: the set's positive ids, sorted, equal the open memberships' segment ids. */
    private void assertSetsEqualMemberships(long first, long last, String when) throws Exception {
        List<String> mismatches = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet rows = sql.executeQuery("""
                        WITH open AS (
                            SELECT user_id, array_agg(segment_id ORDER BY segment_id) AS ids FROM segment_membership
                            WHERE removed_at IS NULL AND user_id BETWEEN %1$d AND %2$d GROUP BY user_id
                        ), sets AS (
                            SELECT user_id, ARRAY(SELECT x FROM unnest(segment_ids) x WHERE x > 0 ORDER BY x) AS ids
                            FROM user_segment_set WHERE user_id BETWEEN %1$d AND %2$d
                        )
                        SELECT coalesce(o.user_id, s.user_id), o.ids::text, s.ids::text
                        FROM open o FULL JOIN sets s ON s.user_id = o.user_id
                        WHERE coalesce(o.ids, '{}') IS DISTINCT FROM coalesce(s.ids, '{}')""".formatted(first, last))) {
            while (rows.next()) {
                mismatches.add("user " + rows.getLong(1) + ": memberships " + rows.getString(2) + ", set " + rows.getString(3));
            }
        }
        assertEquals(List.of(), mismatches, when);
        assertTrue(count("SELECT count(*) FROM segment_membership WHERE removed_at IS NULL AND user_id BETWEEN "
                + first + " AND " + last) > 0, "the check compared something");
    }

    private static String eventsFor(long from, long to, String attributes) {
        StringBuilder body = new StringBuilder("[");
        for (long user = from; user <= to; user++) {
            body.append(user == from ? "" : ",").append("{\"user_id\": ").append(user).append(", \"attributes\": ")
                    .append(attributes).append('}');
        }
        return body.append("]").toString();
    }

    private static void awaitAllJobs(List<Long> segments) {
        segments.forEach(dev.segments.testing.Api::awaitSegmentIdle);
    }

    private void sql(String statement) throws Exception {
        Sql.execute(dataSource, statement);
    }

    private long count(String query) throws Exception {
        return Sql.count(dataSource, query);
    }
}
