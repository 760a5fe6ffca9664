package dev.segments.compute;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat's check for abandoned dirty-user passes never fails the job rows of a pass of this
 * instance that is starting or running, however the two interleave. Before the pass counted its rows
 * open ahead of inserting them, a check that read the open rows just before a pass committed its rows,
 * and looked for abandoned ones just after, marked them failed (seen in {@code KillIT}: twice the
 * killed pass's rows were failed).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AbandonedJobsTest {

    private static final long FIRST = 95_001;
    private static final int PASSES = 150;

    @Inject
    IncrementalPass incremental;

    @Inject
    JobStore jobs;

    @Inject
    Pool pool;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldNeverFailTheRowsOfAPassInProgress() throws Exception {
        createSegmentAndWait("abandoned probe", "{\"attribute\": \"abandoned_score\", \"op\": \"gte\", \"value\": 50}");
        events("[{\"user_id\": " + FIRST + ", \"attributes\": {\"abandoned_score\": 10}}]").statusCode(200);

        while (incremental.run(Trigger.MANUAL).await().atMost(Duration.ofSeconds(30)).users() > 0) {
            // flags other tests left: each pass below must find only its own
        }
        long before = Sql.count(dataSource, "SELECT coalesce(max(id), 0) FROM segment_compute_job");
        AtomicBoolean passing = new AtomicBoolean(true);
        AtomicInteger checks = new AtomicInteger();
        CompletableFuture<Integer> failedWhilePassing = CompletableFuture.supplyAsync(() -> {
            int failed = 0;
            while (passing.get()) {
                failed += pool.withTransaction(conn -> jobs.failAbandonedIncremental(conn, 3600, incremental::openJobs))
                        .await().atMost(Duration.ofSeconds(30));
                checks.incrementAndGet();
            }
            return failed;
        });
        try {
            for (int pass = 0; pass < PASSES; pass++) {
                // the score flips across the rule's bound, so every pass changes a membership and keeps its row
                Sql.execute(dataSource, "UPDATE user_attribute_snapshot SET attributes = jsonb_build_object('abandoned_score', "
                        + (pass % 2 == 0 ? 90 : 10) + ") WHERE user_id = " + FIRST);
                Sql.execute(dataSource, "INSERT INTO dirty_user (user_id, seq) VALUES (" + FIRST + ", nextval('dirty_user_seq')) ON CONFLICT DO NOTHING");
                IncrementalResult result = incremental.run(Trigger.MANUAL).await().atMost(Duration.ofSeconds(30));
                assertEquals(1, result.users(), "pass " + pass + " evaluated the flagged user");
            }
        } finally {
            passing.set(false);
        }
        int failed = failedWhilePassing.get();
        assertTrue(checks.get() >= PASSES, "the checks ran alongside the passes: " + checks.get() + " checks");
        assertEquals(0, failed, "job rows of passes in progress marked failed, in " + checks.get() + " checks");
        assertEquals(0, Sql.count(dataSource, "SELECT count(*) FROM segment_compute_job WHERE kind = 'incremental' AND status = 'failed' AND id > " + before));
        assertEquals(PASSES, Sql.count(dataSource, "SELECT count(*) FROM segment_compute_job WHERE kind = 'incremental'"
                + " AND status = 'completed' AND added_count + removed_count = 1 AND id > " + before), "every pass completed its row");
    }
}
