package dev.segments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two app instances on one database: their scheduled dirty-user passes never process the same user
 * twice, real-time writes through both stay consistent, and a rule saved on one instance is used by
 * the other at once (its attribute → segments index follows the change).
 */
class TwoInstancesIT {

    private static final FaultFigures FIGURES = FaultFigures.of("two-instances");
    private static final int USERS = 20_000;
    private static final int ROUNDS = 3;

    private static ItDatabase database;
    private static AppProcess a;
    private static AppProcess b;
    private static Connection db;

    @BeforeAll
    static void start() throws SQLException {
        database = new ItDatabase("two");
        Map<String, String> settings = Map.of("SEGMENTS_INCREMENTAL_EVERY", "300ms", "SEGMENTS_INCREMENTAL_BATCH_SIZE", "50",
                "SEGMENTS_INSTANCES_HEARTBEAT", "1s", "SEGMENTS_SWEEP_CRON", "off", "SEGMENTS_TIME_DEPENDENT_EVERY", "off");
        a = AppProcess.start("two-a", database, settings);
        b = AppProcess.start("two-b", database, settings);
        db = database.connect();
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(a, b, db, database);
        FIGURES.write();
    }

    @Test
    void shouldProcessEveryDirtyUserExactlyOnceAcrossInstances() throws Exception {
        Map<Long, Population.Definition> segments = Population.createSegments(a.http(), "two", Population.definitions(8));
        Population.insertUsers(db, 1, USERS);
        awaitIdle();
        // Each round marks every user dirty at once. With batches of 50 a round takes one instance
        // hundreds of batches (seconds), while the other ticks every 300 ms, so both take part. Which
        // instance ticks first is up to the schedulers, hence up to ROUNDS rounds until both have
        // taken part; every round must evaluate each user exactly once.
        Set<String> owners = new HashSet<>();
        int passes = 0;
        int round = 0;
        while (owners.size() < 2 && round < ROUNDS) {
            round++;
            long firstJob = Population.count(db, "SELECT coalesce(max(id), 0) FROM segment_compute_job");
            Population.changeScoresAndMarkDirty(db, 1, USERS, 29 + round);
            awaitIdle();
            // one row per pass: the job rows of a pass share their instance and start time
            long evaluated = 0;
            try (Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery("""
                    SELECT owner, started_at, max(users_evaluated) FROM segment_compute_job
                    WHERE kind = 'incremental' AND id > %d AND status = 'completed'
                    GROUP BY owner, started_at""".formatted(firstJob))) {
                while (rows.next()) {
                    owners.add(rows.getString(1));
                    evaluated += rows.getLong(3);
                    passes++;
                }
            }
            assertEquals(USERS, evaluated, "users evaluated by all passes of both instances in round " + round);
        }
        assertEquals(2, owners.size(), "both instances ran passes within " + ROUNDS + " rounds: " + owners);
        long mismatches = Population.mismatches(db, segments, "user_id <= " + USERS);
        FIGURES.checked(Population.memberships(db, segments), mismatches);
        assertEquals(0, mismatches, "memberships differ from a from-scratch evaluation");
        FIGURES.add(round + " round(s) of " + USERS + " dirty users processed by " + passes
                + " passes on 2 instances, each user exactly once per round");
    }

    @Test
    void shouldKeepConcurrentWritesThroughBothInstancesConsistent() throws Exception {
        Map<Long, Population.Definition> segments = Population.createSegments(a.http(), "two events", List.of(
                new Population.Definition("{\"attribute\": \"ev_n\", \"op\": \"gte\", \"value\": 400}",
                        "(attributes->>'ev_n')::int >= 400"),
                new Population.Definition("{\"operator\": \"OR\", \"conditions\": [{\"attribute\": \"ev_tag\", \"op\": \"eq\", "
                        + "\"value\": \"a\"}, {\"attribute\": \"ev_n\", \"op\": \"lt\", \"value\": 100}]}",
                        "(attributes->>'ev_tag' = 'a' OR (attributes->>'ev_n')::int < 100)")));
        EventWriters writers = new EventWriters(List.of(a.http(), b.http()), 2, 100_001, 200, 20);
        writers.start();
        AppProcess.sleep(6_000);
        writers.stop();
        List<EventWriters.Sent> sent = writers.sent();
        assertEquals(sent.size(), writers.accepted(), "every event is accepted");
        long mismatches = writers.mismatches(db);
        FIGURES.events(sent.size(), writers.accepted());
        FIGURES.checked(sent.stream().map(e -> e.user() + "/" + e.attribute()).distinct().count(), mismatches);
        assertEquals(0, mismatches, "snapshots differ from a serial replay by occurred_at");
        awaitIdle();
        long membershipMismatches = Population.mismatches(db, segments, "user_id > 100000");
        FIGURES.checked(Population.memberships(db, segments), membershipMismatches);
        assertEquals(0, membershipMismatches, "memberships differ from a from-scratch evaluation");
        FIGURES.add(sent.size() + " attribute changes through 2 instances (2 writers each, 200 overlapping users): "
                + "snapshots equal the serial replay");
    }

    @Test
    void shouldUseARuleSavedOnTheOtherInstanceAtOnce() {
        long segment = a.http().expect(201, "/api/v1/segments",
                "{\"name\": \"two cache\", \"rules\": {\"attribute\": \"cache_old\", \"op\": \"eq\", \"value\": 1}}").get("id").asLong();
        // instance b has used the catalog (and its attribute index) before the change
        assertEquals(200, b.http().put("/api/v1/users/900001/attributes", "{\"cache_old\": 1}").status());
        int rounds = 20;
        for (int i = 0; i < rounds; i++) {
            String attribute = "cache_new_" + i;
            Http.Answer saved = a.http().put("/api/v1/segments/" + segment, "{\"name\": \"two cache\", \"rules\": "
                    + "{\"attribute\": \"" + attribute + "\", \"op\": \"eq\", \"value\": \"yes\"}}");
            assertEquals(200, saved.status(), saved.body());
            Http.Answer patched = b.http().patch("/api/v1/users/" + (900_100 + i) + "/attributes",
                    "{\"" + attribute + "\": \"yes\"}");
            assertEquals(200, patched.status(), patched.body());
            Set<Long> in = new HashSet<>();
            patched.json().get("segments").forEach(id -> in.add(id.asLong()));
            assertTrue(in.contains(segment), "instance b did not use the rule saved on a: " + patched.body());
        }
        FIGURES.add(rounds + " rule changes on instance a, each used by the next event on instance b (attribute index followed)");
    }

    private static void awaitIdle() {
        Await.until("both instances idle", Duration.ofSeconds(120), () -> {
            try {
                return Population.count(db, "SELECT count(*) FROM dirty_user") == 0
                        && Population.count(db, "SELECT count(*) FROM segment_compute_job WHERE status = 'running'") == 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, () -> a.tail() + "\n" + b.tail());
    }
}
