package dev.segments.compute;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.incremental;
import static dev.segments.testing.Api.members;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A batch of the dirty-user pass claims its flags in slices of {@link DirtyClaims#CLAIM_SLICE}, all
 * sent at once: every flag in the batch is claimed exactly once, in any slice, flags another
 * transaction holds are skipped and stay dirty for the next pass, and the memberships come out exact.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DirtyClaimsTest {

    private static final long FIRST = 96_001;
    private static final long LAST = 97_700; // 1,700 users: four slices of one batch
    private static final List<Long> HELD = List.of(FIRST, FIRST + 777, FIRST + 1_234, LAST);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldClaimEveryFlagOfEverySliceOnceAndSkipTheHeldOnes() throws Exception {
        long high = createSegmentAndWait("claims high", "{\"attribute\": \"claims_score\", \"op\": \"gte\", \"value\": 50}");
        drain();
        StringBuilder ndjson = new StringBuilder();
        for (long user = FIRST; user <= LAST; user++) {
            ndjson.append("{\"user_id\": ").append(user).append(", \"attributes\": {\"claims_score\": ")
                    .append(user % 2 == 0 ? 90 : 10).append("}}\n");
        }
        importUsers(ndjson.toString()).statusCode(200); // imported users are flagged, not evaluated
        assertEquals(LAST - FIRST + 1, pass(), "one pass claims every flag of the four slices");
        assertEquals(LongStream.rangeClosed(FIRST, LAST).filter(user -> user % 2 == 0).boxed().toList(), members(high, FIRST, LAST));

        // behind the API: every user's score flips, and each flag carries the new copy
        Sql.execute(dataSource, "INSERT INTO dirty_user (user_id, seq) SELECT g, nextval('dirty_user_seq') FROM generate_series("
                + FIRST + ", " + LAST + ") g");
        Sql.execute(dataSource, "UPDATE user_attribute_snapshot SET attributes = jsonb_build_object('claims_score', "
                + "CASE WHEN user_id % 2 = 0 THEN 10 ELSE 90 END) WHERE user_id BETWEEN " + FIRST + " AND " + LAST);
        try (Connection holder = dataSource.getConnection(); Statement sql = holder.createStatement()) {
            holder.setAutoCommit(false);
            sql.execute("SELECT 1 FROM dirty_user WHERE user_id IN (" + String.join(",", HELD.stream().map(String::valueOf).toList())
                    + ") FOR UPDATE");
            assertEquals(LAST - FIRST + 1 - HELD.size(), pass(), "the held flags are skipped, the others claimed");
            assertEquals(HELD, flagged(), "only the held flags are left");
            assertEquals(LongStream.rangeClosed(FIRST, LAST).filter(user -> (user % 2 == 1) != HELD.contains(user))
                    .boxed().toList(), members(high, FIRST, LAST), "every claimed user moved; the held ones did not");
            holder.rollback();
        }
        assertEquals(HELD.size(), pass(), "the next pass takes the flags once they are free");
        assertEquals(List.of(), flagged());
        assertEquals(LongStream.rangeClosed(FIRST, LAST).filter(user -> user % 2 == 1).boxed().toList(), members(high, FIRST, LAST));
    }

    private long pass() {
        return incremental().statusCode(200).extract().jsonPath().getLong("users");
    }

    /** Flags other tests left would count in this test's passes. */
    private void drain() {
        while (pass() > 0) {
            // each pass takes up to its batches' worth
        }
    }

    private List<Long> flagged() throws Exception {
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                var rows = sql.executeQuery("SELECT user_id FROM dirty_user WHERE user_id BETWEEN " + FIRST + " AND " + LAST
                        + " ORDER BY user_id")) {
            List<Long> users = new java.util.ArrayList<>();
            while (rows.next()) {
                users.add(rows.getLong(1));
            }
            return users;
        }
    }
}
