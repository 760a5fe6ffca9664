package dev.segments.compute;

import static dev.segments.testing.Api.awaitJob;
import static dev.segments.testing.Api.awaitSegmentIdle;
import static dev.segments.testing.Api.createSegment;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The full recompute of every segment: one read decides which segments drifted, and only those are written. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class FullSweepTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldHashUserIdsExactlyAsPostgresDoes() throws Exception {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 4_294_967_296L,
                -4_294_967_296L, 2_147_483_647L, -2_147_483_648L));
        Random random = new Random(1);
        for (int i = 0; i < 5_000; i++) {
            values.add(random.nextLong());
            values.add((long) random.nextInt(10_000_000));
        }
        try (Connection conn = dataSource.getConnection();
                PreparedStatement query = conn.prepareStatement("SELECT v, hashint8(v) FROM unnest(?::bigint[]) AS v")) {
            query.setArray(1, conn.createArrayOf("bigint", values.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                int checked = 0;
                while (rows.next()) {
                    assertEquals(rows.getInt(2), PgHash.hashint8(rows.getLong(1)), "hashint8(" + rows.getLong(1) + ")");
                    checked++;
                }
                assertEquals(values.size(), checked);
            }
        }
    }

    @Test
    void shouldRepairOnlyTheSegmentsWhoseMembershipDriftedFromTheirRules() throws Exception {
        for (long user = 40_001; user <= 40_030; user++) {
            putAttributes(user, "{\"sweep_score\": " + (user - 40_000) + "}").statusCode(200);
        }
        long high = createSegment("sweep high", "{\"attribute\": \"sweep_score\", \"op\": \"gt\", \"value\": 20}");
        long low = createSegment("sweep low", "{\"attribute\": \"sweep_score\", \"op\": \"lte\", \"value\": 5}");
        long notHigh = createSegment("sweep not high", "{\"operator\": \"AND\", \"conditions\": ["
                + "{\"attribute\": \"sweep_score\", \"op\": \"is_not_null\"},"
                + "{\"operator\": \"NOT\", \"conditions\": [{\"segment\": " + high + "}]}]}");
        List.of(high, low, notHigh).forEach(id -> awaitSegmentIdle(id));
        List<Long> highMembers = members(high);
        List<Long> notHighMembers = members(notHigh);

        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement()) {
            sql.executeUpdate("DELETE FROM segment_membership WHERE segment_id = " + high + " AND user_id = 40025");
            sql.executeUpdate("INSERT INTO segment_membership (segment_id, user_id) VALUES (" + notHigh + ", 40026)");
        }

        Map<Long, JsonPath> jobs = recomputeEverything();
        assertEquals(1, jobs.get(high).getLong("added_count"));
        assertEquals(0, jobs.get(high).getLong("removed_count"));
        assertEquals(1, jobs.get(notHigh).getLong("removed_count"));
        assertEquals(0, jobs.get(low).getLong("added_count") + jobs.get(low).getLong("removed_count"));
        assertEquals(5, jobs.get(low).getLong("member_count"));
        assertEquals(highMembers, members(high));
        assertEquals(notHighMembers, members(notHigh));

        Map<Long, JsonPath> again = recomputeEverything();
        for (long segment : List.of(high, low, notHigh)) {
            assertEquals(0, again.get(segment).getLong("added_count") + again.get(segment).getLong("removed_count"));
        }
    }

    @Test
    void shouldKeepTheMemberStatisticsEqualToTheMembershipTableThroughEveryKindOfWrite() throws Exception {
        for (long user = 40_101; user <= 40_120; user++) {
            putAttributes(user, "{\"stats_score\": " + (user - 40_100) + "}").statusCode(200);
        }
        long segment = createSegment("stats high", "{\"attribute\": \"stats_score\", \"op\": \"gt\", \"value\": 10}");
        awaitSegmentIdle(segment);
        putAttributes(40_101, "{\"stats_score\": 50}").statusCode(200);
        putAttributes(40_120, "{\"stats_score\": 1}").statusCode(200);
        given().delete("/api/v1/users/40119").then().statusCode(204);
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement()) {
            sql.executeUpdate("UPDATE segment_membership SET removed_at = now() WHERE segment_id = " + segment
                    + " AND user_id = 40118");
            sql.executeUpdate("DELETE FROM segment_membership WHERE segment_id = " + segment + " AND user_id = 40117");
            sql.executeUpdate("WITH gone AS (DELETE FROM segment_member_stats RETURNING *) "
                    + "INSERT INTO segment_member_stats SELECT segment_id, sum(member_count), sum(id_sum), sum(hash_sum) "
                    + "FROM gone GROUP BY segment_id");
        }
        assertEquals(statistics("""
                SELECT segment_id, count(*), sum(user_id), sum(hashint8(user_id)) FROM segment_membership
                WHERE removed_at IS NULL GROUP BY segment_id ORDER BY segment_id"""), statistics("""
                SELECT segment_id, sum(member_count), sum(id_sum), sum(hash_sum) FROM segment_member_stats
                GROUP BY segment_id HAVING sum(member_count) <> 0 ORDER BY segment_id"""));
        given().get("/api/v1/segments/" + segment).then().statusCode(200)
                .body("member_count", org.hamcrest.Matchers.equalTo(7));
    }

    private List<String> statistics(String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet result = sql.executeQuery(query)) {
            while (result.next()) {
                rows.add(result.getLong(1) + ":" + result.getLong(2) + ":" + result.getBigDecimal(3).toBigInteger() + ":"
                        + result.getBigDecimal(4).toBigInteger());
            }
        }
        return rows;
    }

    /** Recomputes every segment and answers each segment's job of this run. */
    private static Map<Long, JsonPath> recomputeEverything() {
        List<Number> jobIds = given().post("/api/v1/compute/full").then().statusCode(202).extract().path("job_ids");
        Map<Long, JsonPath> bySegment = new HashMap<>();
        for (Number jobId : jobIds) {
            assertEquals("completed", awaitJob(jobId.longValue()));
            JsonPath job = given().get("/api/v1/jobs/" + jobId).then().extract().jsonPath();
            bySegment.put(job.getLong("segment_id"), job);
        }
        return bySegment;
    }
}
