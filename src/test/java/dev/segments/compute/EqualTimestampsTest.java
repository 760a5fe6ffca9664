package dev.segments.compute;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.rule.RuleEvaluator;
import dev.segments.rule.RuleParser;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many writers, overlapping users, and most events sharing their {@code occurred_at} with another
 * event for the same attribute: the final snapshots equal a serial replay by {@code occurred_at}
 * whatever the arrival order, because an equal time has a deterministic winner (the larger JSON text;
 * a removal is the smallest). The same events are sent twice, to two user ranges: shuffled through
 * concurrent writers, and one by one in reverse order; both end identical to the replay, and
 * memberships equal the in-memory evaluation of the final attributes.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EqualTimestampsTest {

    private static final long CONCURRENT_USERS = 72_001;
    private static final long SERIAL_USERS = 73_001;
    private static final int USERS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant[] TIMES = {Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T10:00:00.000001Z"),
        Instant.parse("2026-03-01T11:00:00Z")};
    private static final String[][] VALUES = {
        {"\"red\"", "\"blue\"", "\"green\"", "null", "7", "\"Red\""},
        {"1", "6", "6.0", "10", "\"6\"", "null", "true"},
    };

    /** One attribute change: user offset within a range, time, attribute, JSON value text ("null" removes). */
    private record Change(int user, Instant at, String attribute, String value) {
    }

    @Test
    void shouldEndInTheSerialReplayWhateverTheArrivalOrderOfEqualTimestamps() throws Exception {
        Map<Long, String> rules = new LinkedHashMap<>();
        String[] definitions = {
            "{\"attribute\": \"tie_color\", \"op\": \"eq\", \"value\": \"red\"}",
            "{\"attribute\": \"tie_size\", \"op\": \"gt\", \"value\": 5}",
            "{\"operator\": \"AND\", \"conditions\": [{\"attribute\": \"tie_size\", \"op\": \"is_not_null\"},"
                    + "{\"operator\": \"NOT\", \"conditions\": [{\"attribute\": \"tie_color\", \"op\": \"in\", \"value\": [\"blue\", \"green\"]}]}]}",
        };
        for (int i = 0; i < definitions.length; i++) {
            rules.put(createSegmentAndWait("equal times " + i, definitions[i]), definitions[i]);
        }
        List<Change> changes = randomChanges(new Random(2026), 3_000);

        List<Change> shuffled = new ArrayList<>(changes);
        Collections.shuffle(shuffled, new Random(11));
        sendConcurrently(shuffled, CONCURRENT_USERS);
        List<Change> reversed = new ArrayList<>(changes);
        Collections.reverse(reversed);
        for (Change change : reversed) {
            events("[" + event(change, SERIAL_USERS) + "]").statusCode(200);
        }

        Map<Integer, ObjectNode> replay = serialReplay(changes);
        long mismatches = 0;
        for (long first : new long[] {CONCURRENT_USERS, SERIAL_USERS}) {
            for (int user = 0; user < USERS; user++) {
                JsonNode stored = JSON.readTree(given().get("/api/v1/users/" + (first + user)).then().statusCode(200)
                        .extract().asString());
                if (!replay.get(user).equals(stored.get("attributes"))) {
                    mismatches++;
                }
                assertEquals(replay.get(user), stored.get("attributes"), "user " + (first + user));
                assertEquals(expectedSegments(rules, replay.get(user)), segmentsOf(stored, rules.keySet()),
                        "memberships of user " + (first + user));
            }
        }
        JsonPath incremental = given().post("/api/v1/compute/incremental").then().statusCode(200).extract().jsonPath();
        assertEquals(0, incremental.getLong("added") + incremental.getLong("removed"), "the dirty-user pass found changes");

        long ties = ties(changes);
        assertTrue(ties > 100, "too few ties to mean anything: " + ties);
        System.out.printf("equal timestamps: %d events sent twice (4 concurrent writers, then serially in reverse), "
                + "%d attributes decided between equal times by the tie rule, %d mismatches%n", changes.size(), ties, mismatches);
    }

    private static List<Change> randomChanges(Random random, int n) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int attribute = random.nextInt(2);
            String[] values = VALUES[attribute];
            changes.add(new Change(random.nextInt(USERS), TIMES[random.nextInt(TIMES.length)],
                    attribute == 0 ? "tie_color" : "tie_size", values[random.nextInt(values.length)]));
        }
        return changes;
    }

    private static String event(Change change, long firstUser) {
        return "{\"user_id\": " + (firstUser + change.user()) + ", \"occurred_at\": \"" + change.at() + "\", \"attributes\": {\""
                + change.attribute() + "\": " + change.value() + "}}";
    }

    private static void sendConcurrently(List<Change> changes, long firstUser) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int from = 0; from < changes.size(); from += 10) {
                List<Change> batch = changes.subList(from, Math.min(changes.size(), from + 10));
                String body = "[" + String.join(",", batch.stream().map(c -> event(c, firstUser)).toList()) + "]";
                sent.add(pool.submit(() -> events(body).statusCode(200)));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Applies the changes one by one in time order; equal times: larger JSON text wins, a removal is the smallest. */
    private static Map<Integer, ObjectNode> serialReplay(List<Change> changes) throws Exception {
        List<Change> ordered = new ArrayList<>(changes);
        ordered.sort((x, y) -> x.at().equals(y.at()) ? text(x).compareTo(text(y)) : x.at().compareTo(y.at()));
        Map<Integer, ObjectNode> users = new HashMap<>();
        for (int user = 0; user < USERS; user++) {
            users.put(user, JSON.createObjectNode());
        }
        for (Change change : ordered) {
            ObjectNode attributes = users.get(change.user());
            if ("null".equals(change.value())) {
                attributes.remove(change.attribute());
            } else {
                attributes.set(change.attribute(), JSON.readTree(change.value()));
            }
        }
        return users;
    }

    private static String text(Change change) {
        return "null".equals(change.value()) ? "" : change.value();
    }

    /** (user, attribute) pairs whose latest time carries two or more different values. */
    private static long ties(List<Change> changes) {
        Map<String, Instant> latest = new HashMap<>();
        changes.forEach(c -> latest.merge(c.user() + "/" + c.attribute(), c.at(), (x, y) -> x.isAfter(y) ? x : y));
        Map<String, Set<String>> valuesAtLatest = new HashMap<>();
        changes.stream().filter(c -> c.at().equals(latest.get(c.user() + "/" + c.attribute())))
                .forEach(c -> valuesAtLatest.computeIfAbsent(c.user() + "/" + c.attribute(), k -> new HashSet<>()).add(c.value()));
        return valuesAtLatest.values().stream().filter(values -> values.size() > 1).count();
    }

    private static Set<Long> expectedSegments(Map<Long, String> rules, ObjectNode attributes) throws Exception {
        Set<Long> expected = new HashSet<>();
        for (Map.Entry<Long, String> rule : rules.entrySet()) {
            if (RuleEvaluator.matches(RuleParser.parse(JSON.readTree(rule.getValue()), "/rules"), attributes, expected::contains,
                    Instant.now())) {
                expected.add(rule.getKey());
            }
        }
        return expected;
    }

    private static Set<Long> segmentsOf(JsonNode user, Set<Long> ours) {
        Set<Long> in = new HashSet<>();
        user.get("segments").forEach(s -> in.add(s.get("segment_id").asLong()));
        in.retainAll(ours);
        return in;
    }
}
