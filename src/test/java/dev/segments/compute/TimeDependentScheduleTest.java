package dev.segments.compute;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Time-dependent segments leave and join as time passes, with no attribute change: the scheduled
 * re-evaluation, run here at an injected instant, writes the changes with its job ids. Users
 * 7,310,000,001 and up; attributes start with {@code tds_}, so no other test's user matches.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TimeDependentScheduleTest {

    private static final long USER = 7_310_000_001L;
    private static final long LATE = 7_310_000_002L;
    private static final Duration MIN_GAP = Duration.ofMinutes(1);

    @Inject
    TimeDependentSchedule schedule;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldLetAUserLeaveARecentSignupsSegmentWhenTheWindowPassesThem() throws Exception {
        long recent = createSegmentAndWait("tds signed up in the last 30 days",
                "{\"attribute\": \"tds_signed_up_at\", \"op\": \"within_last\", \"value\": {\"amount\": 30, \"unit\": \"days\"}}");
        long recentPro = createSegmentAndWait("tds recent pro users", "{\"operator\": \"AND\", \"conditions\": [{\"segment\": "
                + recent + "}, {\"attribute\": \"tds_plan\", \"op\": \"eq\", \"value\": \"pro\"}]}");
        long early = createSegmentAndWait("tds signed up before 2000",
                "{\"attribute\": \"tds_signed_up_at\", \"op\": \"before\", \"value\": \"2000-01-01\"}");
        Instant now = Instant.now();
        String signedUp = now.minus(30, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS).toString();
        putAttributes(USER, "{\"tds_signed_up_at\": \"" + signedUp + "\", \"tds_plan\": \"pro\"}").statusCode(200);
        putAttributes(LATE, "{\"tds_signed_up_at\": \"" + now.minus(1, ChronoUnit.DAYS) + "\", \"tds_plan\": \"pro\"}")
                .statusCode(200);

        assertEquals(List.of(USER, LATE), members(recent, USER, LATE));
        assertEquals(List.of(USER, LATE), members(recentPro, USER, LATE));
        assertTimeDependent(recent, true);
        assertTimeDependent(recentPro, true);
        assertTimeDependent(early, false);

        allowARun();
        List<Long> jobs = schedule.runIfDue(now.plus(2, ChronoUnit.HOURS), MIN_GAP).await().atMost(Duration.ofSeconds(60));

        assertEquals(List.of(LATE), members(recent, USER, LATE), "31 days after signing up, the user has left");
        assertEquals(List.of(LATE), members(recentPro, USER, LATE), "and left the segment built on it too");
        long leaveJob = leaveJob(USER, recent);
        assertTrue(jobs.contains(leaveJob), "the leave names a job of the run: " + leaveJob + " in " + jobs);
        assertTrue(jobs.contains(leaveJob(USER, recentPro)));
        given().get("/api/v1/jobs/" + leaveJob).then().statusCode(200)
                .body("triggered_by", org.hamcrest.Matchers.equalTo("schedule"))
                .body("status", org.hamcrest.Matchers.equalTo("completed"))
                .body("removed_count", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        assertFalse(jobsOf(jobs).contains(early), "a before/after segment is not re-evaluated: " + jobsOf(jobs));
        assertTrue(jobsOf(jobs).indexOf(recent) < jobsOf(jobs).indexOf(recentPro), "dependency order");
    }

    @Test
    void shouldRunOncePerPeriodAcrossInstances() {
        createSegmentAndWait("tds active in the last hour",
                "{\"attribute\": \"tds_seen_at\", \"op\": \"more_than_ago\", \"value\": {\"amount\": 1, \"unit\": \"hours\"}}");
        allowARun();
        List<Long> first = schedule.runIfDue(Instant.now(), MIN_GAP).await().atMost(Duration.ofSeconds(60));
        List<Long> second = schedule.runIfDue(Instant.now(), MIN_GAP).await().atMost(Duration.ofSeconds(60));

        assertFalse(first.isEmpty(), "the first run recomputes the time-dependent segments");
        assertEquals(List.of(), second, "a run claimed less than the gap ago is not repeated by any instance");
    }

    private static void assertTimeDependent(long segmentId, boolean expected) {
        given().get("/api/v1/segments/" + segmentId).then().statusCode(200)
                .body("time_dependent", org.hamcrest.Matchers.equalTo(expected));
    }

    /** Forgets the last run, as if the period had passed. */
    private void allowARun() {
        try (Connection conn = dataSource.getConnection(); Statement statement = conn.createStatement()) {
            statement.executeUpdate("UPDATE scheduled_run SET last_run_at = '-infinity' WHERE name = 'time_dependent'");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job id of the user's latest leave of the segment. */
    private long leaveJob(long userId, long segmentId) throws Exception {
        try (Connection conn = dataSource.getConnection(); PreparedStatement query = conn.prepareStatement("""
                SELECT job_id FROM membership_event WHERE user_id = ? AND segment_id = ? AND kind = 'leave' AND cause = 'job'
                ORDER BY id DESC LIMIT 1""")) {
            query.setLong(1, userId);
            query.setLong(2, segmentId);
            try (ResultSet rows = query.executeQuery()) {
                assertTrue(rows.next(), "no leave of segment " + segmentId + " recorded for user " + userId);
                return rows.getLong(1);
            }
        }
    }

    /** The segment of each job, in job order. */
    private List<Long> jobsOf(List<Long> jobIds) {
        List<Long> segments = new ArrayList<>();
        for (Long job : jobIds) {
            segments.add(given().get("/api/v1/jobs/" + job).then().statusCode(200).extract().jsonPath().getLong("segment_id"));
        }
        return segments;
    }
}
