package dev.segments.compute;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.incremental;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static dev.segments.testing.Api.putSegment;
import static dev.segments.testing.Api.segmentBody;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.Api;
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
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A dirty flag's copy of its user's segment set (V17), which the dirty-user pass uses instead of
 * looking the set up: an event leaves an exact copy, stamped with the current segment-set epoch, on
 * every one of its users' flags (with and without joins or leaves); writers that change sets without
 * holding the flags (a full compute, a segment's deletion) move the epoch on, and the pass then looks
 * the sets up instead of trusting the stale copies.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SetCopyTest {

    private static final long FIRST = 98_001;
    private static final long LAST = 98_100;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldLeaveAnExactCopyOfTheSetOnEveryFlagAnEventTakes() throws Exception {
        long high = createSegmentAndWait("setcopy high", "{\"attribute\": \"setcopy_score\", \"op\": \"gte\", \"value\": 50}");
        long gold = createSegmentAndWait("setcopy gold", "{\"attribute\": \"setcopy_tier\", \"op\": \"eq\", \"value\": \"gold\"}");
        long both = createSegmentAndWait("setcopy both", "{\"operator\": \"AND\", \"conditions\": [{\"segment\": "
                + high + "}, {\"segment\": " + gold + "}]}");

        StringBuilder body = new StringBuilder("[");
        for (long user = FIRST; user <= LAST; user++) {
            body.append(user == FIRST ? "" : ",").append("{\"user_id\": ").append(user)
                    .append(", \"attributes\": {\"setcopy_score\": ").append(user % 100)
                    .append(", \"setcopy_tier\": \"").append(user % 3 == 0 ? "gold" : "silver").append("\"}}");
        }
        events(body.append("]").toString()).statusCode(200);
        assertCopies("after events for new users", LAST - FIRST + 1);
        assertTrue(count("SELECT count(*) FROM user_segment_set WHERE " + both + " = ANY (segment_ids) AND user_id BETWEEN "
                + FIRST + " AND " + LAST) > 0, "some users are in the composable segment");

        // events that change no membership refresh the copies too, and those that do leave the new set
        StringBuilder unrelated = new StringBuilder("[");
        for (long user = FIRST; user < FIRST + 40; user++) {
            unrelated.append(user == FIRST ? "" : ",").append("{\"user_id\": ").append(user)
                    .append(", \"attributes\": {\"setcopy_other\": ").append(user).append("}}");
        }
        events(unrelated.append("]").toString()).statusCode(200);
        putAttributes(FIRST + 50, "{\"setcopy_score\": 99, \"setcopy_tier\": \"gold\"}").statusCode(200);
        patchAttributes(FIRST + 51, "{\"setcopy_tier\": null}").statusCode(200);
        patchAttributes(FIRST + 52, "{\"setcopy_score\": 1}").statusCode(200);
        assertCopies("after more events, a PUT and PATCHes", LAST - FIRST + 1);

        // the pass takes the copies for what they are: the memberships are already right, it changes nothing
        long history = count("SELECT count(*) FROM membership_event WHERE user_id BETWEEN " + FIRST + " AND " + LAST);
        incremental().statusCode(200);
        assertEquals(0, count("SELECT count(*) FROM dirty_user WHERE user_id BETWEEN " + FIRST + " AND " + LAST));
        assertEquals(history, count("SELECT count(*) FROM membership_event WHERE user_id BETWEEN " + FIRST + " AND " + LAST),
                "the pass wrote joins or leaves for users whose memberships were right");
        assertEquals(expected("(attributes->>'setcopy_score')::numeric >= 50 AND attributes->>'setcopy_tier' = 'gold'"),
                members(both, FIRST, LAST));
    }

    /**
     * The stale copy a full compute leaves behind: a user outside a segment is flagged by an event
     * (copy without the segment), then a rule change makes the user join. Trusting the copy, the pass
     * would join the user a second time (a second join in the history, a new {@code added_at}).
     */
    @Test
    void shouldNotTrustACopyStampedBeforeAFullComputeChangedTheSet() throws Exception {
        long user = 98_201;
        long segment = createSegmentAndWait("setcopy level", "{\"attribute\": \"setcopy_level\", \"op\": \"gte\", \"value\": 70}");
        events("[{\"user_id\": " + user + ", \"attributes\": {\"setcopy_level\": 60}}]").statusCode(200);
        assertEquals(List.of(), members(segment, user, user));
        long stamped = count("SELECT set_epoch FROM dirty_user WHERE user_id = " + user);
        assertEquals(epoch(), stamped, "the event's copy is current");

        putSegment(segment, segmentBody("setcopy level", "{\"attribute\": \"setcopy_level\", \"op\": \"gte\", \"value\": 50}"))
                .then().statusCode(200);
        Api.awaitSegmentIdle(segment);
        assertEquals(List.of(user), members(segment, user, user), "the full compute made the user join");
        assertTrue(epoch() > stamped, "the full compute moved the epoch on");
        assertEquals(0, count("SELECT count(*) FROM dirty_user WHERE user_id = " + user + " AND " + segment
                + " = ANY (coalesce(segment_ids, '{}'))"), "the flag's copy is stale: it predates the join");

        incremental().statusCode(200);
        assertEquals(1, count("SELECT count(*) FROM membership_event WHERE user_id = " + user + " AND segment_id = " + segment
                + " AND kind = 'join'"), "joins of the user in the history");
        assertEquals(List.of(user), members(segment, user, user));
    }

    @Test
    void shouldMoveTheEpochOnWhenASegmentIsDeleted() throws Exception {
        long user = 98_301;
        long segment = createSegmentAndWait("setcopy gone", "{\"attribute\": \"setcopy_gone\", \"op\": \"is_not_null\"}");
        events("[{\"user_id\": " + user + ", \"attributes\": {\"setcopy_gone\": 1}}]").statusCode(200);
        assertEquals(List.of(user), members(segment, user, user));
        long before = epoch();
        given().delete("/api/v1/segments/" + segment).then().statusCode(204);
        assertTrue(epoch() > before, "the deletion moved the epoch on");
        assertEquals(0, count("SELECT count(*) FROM dirty_user WHERE user_id = " + user + " AND set_epoch = "
                + "(SELECT epoch FROM segment_set_epoch)"), "a copy still taken for current");
        incremental().statusCode(200);
        assertEquals(0, count("SELECT count(*) FROM user_segment_set WHERE " + segment + " = ANY (segment_ids)"));
    }

    /** Every flag of the range carries a copy stamped with the current epoch and equal to the user's set. */
    private void assertCopies(String when, long flags) throws Exception {
        List<String> wrong = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet rows = sql.executeQuery("""
                        SELECT d.user_id, d.set_epoch, e.epoch, d.segment_ids::text, us.segment_ids::text
                        FROM dirty_user d CROSS JOIN segment_set_epoch e
                        LEFT JOIN user_segment_set us ON us.user_id = d.user_id
                        WHERE d.user_id BETWEEN %d AND %d
                          AND (d.set_epoch IS DISTINCT FROM e.epoch
                               OR ARRAY(SELECT x FROM unnest(coalesce(d.segment_ids, '{}')) x WHERE x > 0 ORDER BY x)
                                  <> ARRAY(SELECT x FROM unnest(coalesce(us.segment_ids, '{}')) x WHERE x > 0 ORDER BY x))
                        """.formatted(FIRST, LAST))) {
            while (rows.next()) {
                wrong.add("user " + rows.getLong(1) + ": epoch " + rows.getObject(2) + " of " + rows.getLong(3) + ", copy "
                        + rows.getString(4) + ", set " + rows.getString(5));
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), when + " (" + wrong.size() + " wrong copies)");
        assertEquals(flags, count("SELECT count(*) FROM dirty_user WHERE user_id BETWEEN " + FIRST + " AND " + LAST), when);
    }

    /** The users of the range whose snapshot matches {@code condition}, in id order. */
    private List<Long> expected(String condition) throws Exception {
        List<Long> users = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet rows = sql.executeQuery("SELECT user_id FROM user_attribute_snapshot WHERE user_id BETWEEN "
                        + FIRST + " AND " + LAST + " AND " + condition + " ORDER BY user_id")) {
            while (rows.next()) {
                users.add(rows.getLong(1));
            }
        }
        assertTrue(users.size() > 5 && LongStream.rangeClosed(FIRST, LAST).count() > users.size(), users.toString());
        return users;
    }

    private long epoch() throws Exception {
        return count("SELECT epoch FROM segment_set_epoch");
    }

    private long count(String query) throws Exception {
        return Sql.count(dataSource, query);
    }
}
