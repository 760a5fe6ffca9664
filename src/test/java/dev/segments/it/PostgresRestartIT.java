package dev.segments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped and started again while writers send events: requests during the outage fail
 * fast with 503 problem details and a Retry-After hint, the app recovers by itself, and every event
 * answered 200 is in the final snapshots (memberships exact too).
 */
class PostgresRestartIT {

    private static final FaultFigures FIGURES = FaultFigures.of("postgres-restart");
    private static final long FIRST_USER = 1;
    private static final int USERS = 300;

    private static ItDatabase database;
    private static AppProcess app;

    @BeforeAll
    static void start() {
        database = new ItDatabase("pgrestart");
        app = AppProcess.start("pgrestart", database, Map.of(
                "SEGMENTS_INCREMENTAL_EVERY", "1s", "SEGMENTS_INSTANCES_HEARTBEAT", "1s",
                "SEGMENTS_SWEEP_CRON", "off", "SEGMENTS_TIME_DEPENDENT_EVERY", "off"));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(app, database);
        FIGURES.write();
    }

    @Test
    void shouldAnswer503DuringAnOutageAndKeepEveryAcceptedEvent() throws Exception {
        Map<Long, Population.Definition> segments = Population.createSegments(app.http(), "outage", List.of(
                new Population.Definition("{\"attribute\": \"ev_n\", \"op\": \"gt\", \"value\": 500}",
                        "(attributes->>'ev_n')::int > 500"),
                new Population.Definition("{\"operator\": \"AND\", \"conditions\": [{\"attribute\": \"ev_n\", \"op\": \"lte\", "
                        + "\"value\": 300}, {\"attribute\": \"ev_tag\", \"op\": \"eq\", \"value\": \"b\"}]}",
                        "(attributes->>'ev_n')::int <= 300 AND attributes->>'ev_tag' = 'b'")));
        EventWriters writers = new EventWriters(List.of(app.http()), 4, FIRST_USER, USERS, 5);
        writers.start();
        AppProcess.sleep(3_000);
        long stoppedAt = System.nanoTime();
        database.stop();
        FIGURES.fault();
        AppProcess.sleep(4_000);
        long restartedAt = System.nanoTime();
        database.start();
        Await.until("events accepted again after the restart", Duration.ofSeconds(60), () -> writers.sent().stream()
                .filter(e -> e.sentAtNanos() > restartedAt && e.accepted()).count() >= 200, app::tail);
        writers.stop();
        assertTrue(app.alive(), "the app kept running");

        List<EventWriters.Sent> sent = writers.sent();
        Map<Integer, Long> byStatus = sent.stream().collect(Collectors.groupingBy(EventWriters.Sent::status, Collectors.counting()));
        assertEquals(java.util.Set.of(200, 503), byStatus.keySet(), "answers other than 200 and 503: " + byStatus + "\n" + app.tail());
        List<EventWriters.Sent> refused = sent.stream().filter(e -> e.status() == 503).toList();
        assertTrue(refused.stream().allMatch(e -> e.sentAtNanos() >= stoppedAt - 1_000_000_000L),
                "503 only around the outage");
        assertTrue(refused.stream().allMatch(e -> "application/problem+json".equals(e.contentType()) && e.retryAfter() != null),
                "every 503 is problem details with Retry-After");
        long slowest = refused.stream().mapToLong(EventWriters.Sent::millis).max().orElseThrow();
        assertTrue(slowest < 3_000, "a 503 took " + slowest + " ms: requests during the outage must fail fast");

        Connection db = database.connect();
        try (db) {
            long mismatches = writers.mismatches(db);
            FIGURES.events(sent.size(), writers.accepted());
            FIGURES.checked(sent.stream().map(e -> e.user() + "/" + e.attribute()).distinct().count(), mismatches);
            assertEquals(0, mismatches, "an accepted event is missing from the final snapshots");
            Await.until("the dirty-user pass after the outage", Duration.ofSeconds(60),
                    () -> count(db, "SELECT count(*) FROM dirty_user") == 0, app::tail);
            Await.until("no compute job left running by the outage", Duration.ofSeconds(30),
                    () -> count(db, "SELECT count(*) FROM segment_compute_job WHERE status = 'running'") == 0, app::tail);
            long membershipMismatches = Population.mismatches(db, segments, "true");
            FIGURES.checked(Population.memberships(db, segments), membershipMismatches);
            assertEquals(0, membershipMismatches, "memberships differ from a from-scratch evaluation");
        }
        FIGURES.add("PostgreSQL stopped for 4 s under 4 writers: " + byStatus.get(200) + " attribute changes accepted, "
                + refused.size() + " refused with 503 (slowest " + slowest + " ms, all with Retry-After), none lost; "
                + "recovered without an app restart");
    }

    private static long count(Connection db, String query) {
        try {
            return Population.count(db, query);
        } catch (java.sql.SQLException e) {
            return -1; // the check is retried
        }
    }
}
