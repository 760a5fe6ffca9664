package dev.segments.api;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putAttributes;
import static dev.segments.testing.Api.segmentsOf;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /api/v1/events}: counts, validation, ordering by occurred_at, new users and composable
 * segments. Users 50_000..50_999, attributes prefixed {@code ev_}; counts are exact because only this
 * class's segments use those attributes and the users exist before the events arrive.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventApiTest {

    private static final long FROM = 50_000;
    private static final long TO = 50_999;

    @Test
    void shouldCountProcessedJoinedAndLeft() {
        long pro = createSegmentAndWait("eventapi pro", "{\"attribute\": \"ev_plan\", \"op\": \"eq\", \"value\": \"pro\"}");
        putAttributes(50_001, "{\"ev_plan\": \"pro\"}").statusCode(200);
        putAttributes(50_002, "{\"ev_seen\": 1}").statusCode(200);
        putAttributes(50_003, "{\"ev_seen\": 1}").statusCode(200);

        events("""
                [{"user_id": 50001, "attributes": {"ev_plan": "free"}},
                 {"user_id": 50002, "attributes": {"ev_plan": "pro"}},
                 {"user_id": 50003, "attributes": {"ev_plan": "pro"}},
                 {"user_id": 50003, "attributes": {"ev_other": 7}}]""")
                .statusCode(200)
                .body("processed", equalTo(4)).body("joined", equalTo(2)).body("left", equalTo(1));

        assertEquals(List.of(50_002L, 50_003L), members(pro, FROM, TO));
        given().get("/api/v1/users/50003").then()
                .body("attributes", equalTo(Map.of("ev_seen", 1, "ev_plan", "pro", "ev_other", 7)));
    }

    @Test
    void shouldAcceptTenThousandEventsInOneRequest() {
        long many = createSegmentAndWait("eventapi many", "{\"attribute\": \"ev_many\", \"op\": \"gte\", \"value\": 0}");
        for (long user = 50_101; user <= 50_110; user++) {
            putAttributes(user, "{\"ev_many_seen\": true}").statusCode(200);
        }
        String batch = IntStream.range(0, 10_000)
                .mapToObj(i -> "{\"user_id\": " + (50_101 + i % 10) + ", \"attributes\": {\"ev_many\": " + i + "},"
                        + " \"occurred_at\": \"" + Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i) + "\"}")
                .collect(Collectors.joining(",", "[", "]"));

        events(batch).statusCode(200)
                .body("processed", equalTo(10_000)).body("joined", equalTo(10)).body("left", equalTo(0));

        assertEquals(IntStream.rangeClosed(50_101, 50_110).mapToObj(Long::valueOf).toList(), members(many, FROM, TO));
        given().get("/api/v1/users/50105").then().body("attributes.ev_many", equalTo(9_994));
    }

    @Test
    void shouldRejectAnEmptyBatchAndOneOf10001Events() {
        events("[]").statusCode(400).contentType("application/problem+json").body("errors.pointer", contains(""));
        String tooMany = IntStream.range(0, 10_001)
                .mapToObj(i -> "{\"user_id\": 50999, \"attributes\": {\"ev_x\": " + i + "}}")
                .collect(Collectors.joining(",", "[", "]"));
        events(tooMany).statusCode(400).contentType("application/problem+json").body("errors.pointer", contains(""));
        events("{\"user_id\": 50999, \"attributes\": {}}").statusCode(400).body("errors.pointer", contains(""));
        given().get("/api/v1/users/50999").then().statusCode(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "user_id missing    | {\"attributes\": {\"ev_bad\": 2}}                                   | /1/user_id",
            "user_id empty      | {\"user_id\": \"\", \"attributes\": {\"ev_bad\": 2}}                 | /1/user_id",
            "user_id control    | {\"user_id\": \"a\\u0007b\", \"attributes\": {\"ev_bad\": 2}}        | /1/user_id",
            "user_id null       | {\"user_id\": null, \"attributes\": {\"ev_bad\": 2}}                 | /1/user_id",
            "user_id object     | {\"user_id\": {\"id\": 1}, \"attributes\": {\"ev_bad\": 2}}          | /1/user_id",
            "user_id boolean    | {\"user_id\": true, \"attributes\": {\"ev_bad\": 2}}                 | /1/user_id",
            "user_id fraction   | {\"user_id\": 50201.5, \"attributes\": {\"ev_bad\": 2}}              | /1/user_id",
            "attributes missing | {\"user_id\": 50201}                                               | /1/attributes",
            "attributes array   | {\"user_id\": 50201, \"attributes\": [1]}                          | /1/attributes",
            "attributes string  | {\"user_id\": 50201, \"attributes\": \"x\"}                        | /1/attributes",
            "occurred_at bad    | {\"user_id\": 50201, \"attributes\": {\"ev_bad\": 2}, \"occurred_at\": \"yesterday\"} | /1/occurred_at",
            "occurred_at no zone | {\"user_id\": 50201, \"attributes\": {\"ev_bad\": 2}, \"occurred_at\": \"2026-01-01T10:00:00\"} | /1/occurred_at",
            "occurred_at number | {\"user_id\": 50201, \"attributes\": {\"ev_bad\": 2}, \"occurred_at\": 1700000000} | /1/occurred_at",
            "number overflow    | {\"user_id\": 50201, \"attributes\": {\"ev_bad\": 1e400}}           | /1/attributes/ev_bad",
            "number underflow   | {\"user_id\": 50201, \"attributes\": {\"ev_bad\": 1e-400}}          | /1/attributes/ev_bad",
            "event not object   | 17                                                               | /1"})
    void shouldRejectABadEventAndApplyNothingFromTheBatch(String label, String badEvent, String pointer) {
        long bad = createOrFind("eventapi bad batch", "{\"attribute\": \"ev_bad\", \"op\": \"eq\", \"value\": 2}");
        putAttributes(50_201, "{\"ev_bad\": 1}").statusCode(200);
        putAttributes(50_202, "{\"ev_bad\": 1}").statusCode(200);

        events("[{\"user_id\": 50202, \"attributes\": {\"ev_bad\": 2}}, " + badEvent + "]")
                .statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.pointer", contains(pointer));

        given().get("/api/v1/users/50202").then().body("attributes", equalTo(Map.of("ev_bad", 1)));
        assertEquals(List.of(), members(bad, FROM, TO));
    }

    @Test
    void shouldNotOverwriteANewerValueWithAnOlderEvent() {
        putAttributes(50_301, "{\"ev_order_seen\": 1}").statusCode(200);

        events("""
                [{"user_id": 50301, "attributes": {"ev_city": "Berlin"}, "occurred_at": "2026-03-01T12:00:00Z"}]""")
                .statusCode(200);
        events("""
                [{"user_id": 50301, "attributes": {"ev_city": "Paris", "ev_zip": "75001"},
                  "occurred_at": "2026-03-01T11:00:00+00:00"}]""")
                .statusCode(200).body("processed", equalTo(1));

        given().get("/api/v1/users/50301").then().statusCode(200)
                .body("attributes", equalTo(Map.of("ev_order_seen", 1, "ev_city", "Berlin", "ev_zip", "75001")));

        events("""
                [{"user_id": 50301, "attributes": {"ev_city": null}, "occurred_at": "2026-03-01T13:00:00+01:00"}]""")
                .statusCode(200);
        given().get("/api/v1/users/50301").then()
                .body("attributes", equalTo(Map.of("ev_order_seen", 1, "ev_city", "Berlin", "ev_zip", "75001")));
    }

    @Test
    void shouldTreatAnEventWithoutOccurredAtAsNow() {
        putAttributes(50_311, "{\"ev_now_seen\": 1}").statusCode(200);
        String minuteAgo = Instant.now().minusSeconds(60).toString();

        events("[{\"user_id\": 50311, \"attributes\": {\"ev_now\": \"undated\"}}]").statusCode(200);
        events("[{\"user_id\": 50311, \"attributes\": {\"ev_now\": \"a minute ago\"}, \"occurred_at\": \"" + minuteAgo + "\"}]")
                .statusCode(200);

        given().get("/api/v1/users/50311").then().body("attributes.ev_now", equalTo("undated"));
    }

    @Test
    void shouldApplyUndatedEventsOfOneBatchInArrayOrder() {
        putAttributes(50_321, "{\"ev_seq_seen\": 1}").statusCode(200);

        events("""
                [{"user_id": 50321, "attributes": {"ev_seq": "zulu"}},
                 {"user_id": 50321, "attributes": {"ev_seq": "alpha"}}]""").statusCode(200);

        given().get("/api/v1/users/50321").then().body("attributes.ev_seq", equalTo("alpha"));
    }

    @Test
    void shouldEvaluateANewUserAgainstEverySegment() {
        long noCountry = createSegmentAndWait("eventapi no country", "{\"attribute\": \"country\", \"op\": \"is_null\"}");
        try {
            events("[{\"user_id\": 50401, \"attributes\": {\"ev_fresh\": 1}}]").statusCode(200)
                    .body("processed", equalTo(1));

            assertEquals(List.of(50_401L), members(noCountry, FROM, TO).stream().filter(id -> id == 50_401L).toList());
            assertEquals(List.of(noCountry), segmentsOf(50_401, List.of(noCountry)));
        } finally {
            given().delete("/api/v1/segments/" + noCountry).then().statusCode(204);
        }
    }

    @Test
    void shouldUpdateComposableSegmentsInTheSameRequest() {
        long gold = createSegmentAndWait("eventapi gold", "{\"attribute\": \"ev_tier\", \"op\": \"eq\", \"value\": \"gold\"}");
        long active = createSegmentAndWait("eventapi active", "{\"attribute\": \"ev_active\", \"op\": \"eq\", \"value\": true}");
        long both = createSegmentAndWait("eventapi gold and active", refs("AND", gold, active));
        long either = createSegmentAndWait("eventapi gold or active", refs("OR", gold, active));
        long goldOnly = createSegmentAndWait("eventapi gold not active", "{\"operator\": \"AND\", \"conditions\": ["
                + "{\"segment\": " + gold + "}, {\"operator\": \"NOT\", \"conditions\": [{\"segment\": " + active + "}]}]}");
        List<Long> mine = List.of(gold, active, both, either, goldOnly);
        putAttributes(50_501, "{\"ev_tier\": \"gold\", \"ev_active\": false}").statusCode(200);
        assertEquals(List.of(gold, either, goldOnly), segmentsOf(50_501, mine));

        events("[{\"user_id\": 50501, \"attributes\": {\"ev_active\": true}}]").statusCode(200)
                .body("joined", equalTo(2)).body("left", equalTo(1));
        assertEquals(List.of(gold, active, both, either), segmentsOf(50_501, mine));
        assertEquals(List.of(50_501L), members(both, FROM, TO));

        events("[{\"user_id\": 50501, \"attributes\": {\"ev_tier\": \"silver\"}}]").statusCode(200)
                .body("joined", equalTo(0)).body("left", equalTo(2));
        assertEquals(List.of(active, either), segmentsOf(50_501, mine));
        assertEquals(List.of(), members(both, FROM, TO));
        assertEquals(List.of(), members(goldOnly, FROM, TO));
    }

    /**
     * Concurrent single-event requests are applied in shared transactions (group commit) when the instance is
     * busy, yet each answer counts exactly its own joins and leaves: per user, the answers' joins minus leaves
     * equal the segment's history and its final membership.
     */
    @Test
    void shouldAnswerEachConcurrentRequestWithItsOwnJoinsAndLeaves() throws Exception {
        long on = createSegmentAndWait("eventapi grouped", "{\"attribute\": \"ev_group\", \"op\": \"eq\", \"value\": \"on\"}");
        int users = 40;
        int perUser = 10;
        for (long user = 50_600; user < 50_600 + users; user++) {
            putAttributes(user, "{\"ev_group_seen\": true}").statusCode(200);
        }
        double[] before = groupMetric();
        Instant start = Instant.parse("2026-05-01T00:00:00Z");
        List<long[]> requests = new ArrayList<>(); // {user, k}: the k-th event of the user, "on" when k is even
        for (int k = 0; k < perUser; k++) {
            for (long user = 50_600; user < 50_600 + users; user++) {
                requests.add(new long[] {user, k});
            }
        }
        Collections.shuffle(requests, new Random(7));
        java.util.concurrent.ExecutorService clients = Executors.newFixedThreadPool(16);
        Map<Long, int[]> answered = new ConcurrentHashMap<>();
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (long[] r : requests) {
                sent.add(clients.submit(() -> {
                    // the last event of a user (k = perUser - 1, odd) is "off" unless the user's number is even
                    String value = r[1] % 2 == 0 || (r[1] == perUser - 1 && r[0] % 2 == 0) ? "on" : "off";
                    var answer = events("[{\"user_id\": " + r[0] + ", \"attributes\": {\"ev_group\": \"" + value + "\"},"
                            + " \"occurred_at\": \"" + start.plusSeconds(r[1]) + "\"}]").statusCode(200)
                            .body("processed", equalTo(1)).extract();
                    int[] counts = answered.computeIfAbsent(r[0], u -> new int[2]);
                    synchronized (counts) {
                        counts[0] += answer.<Integer>path("joined");
                        counts[1] += answer.<Integer>path("left");
                    }
                }));
            }
            for (var f : sent) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }

        List<Long> expected = LongStream.range(50_600, 50_600 + users).filter(u -> u % 2 == 0).boxed().toList();
        assertEquals(expected, members(on, FROM, TO));
        Map<String, int[]> history = new HashMap<>();
        List<Map<String, Object>> entries = given().queryParam("limit", 1000).get("/api/v1/segments/" + on + "/history")
                .then().statusCode(200).extract().path("history");
        for (Map<String, Object> e : entries) {
            history.computeIfAbsent((String) e.get("user_id"), u -> new int[2])["join".equals(e.get("kind")) ? 0 : 1]++;
        }
        for (long user = 50_600; user < 50_600 + users; user++) {
            int[] counts = answered.get(user);
            int[] logged = history.getOrDefault(String.valueOf(user), new int[2]);
            assertEquals(logged[0] + "/" + logged[1], counts[0] + "/" + counts[1], "joins/leaves answered for user " + user);
            assertEquals(user % 2 == 0 ? 1 : 0, counts[0] - counts[1], "user " + user);
        }
        double[] after = groupMetric();
        // requests counted / groups: more requests than transactions means some shared one
        assertTrue(after[1] - before[1] > after[0] - before[0],
                "16 clients sharing 2 transactions: some requests were grouped " + Arrays.toString(after));
    }

    /** {count of groups, sum of their requests} of the group-commit metric. */
    private static double[] groupMetric() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double[] found = new double[2];
        for (String line : metrics.split("\n")) {
            if (line.startsWith("segments_intake_group_requests_count")) {
                found[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("segments_intake_group_requests_sum")) {
                found[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return found;
    }

    private static String refs(String operator, long a, long b) {
        return "{\"operator\": \"" + operator + "\", \"conditions\": [{\"segment\": " + a + "}, {\"segment\": " + b + "}]}";
    }

    private static long createOrFind(String name, String rules) {
        return dev.segments.testing.Api.allSegments().stream().filter(s -> name.equals(s.get("name")))
                .map(s -> ((Number) s.get("id")).longValue()).findFirst()
                .orElseGet(() -> createSegmentAndWait(name, rules));
    }
}
