package dev.segments.compute;

import static dev.segments.testing.Api.awaitJob;
import static dev.segments.testing.Api.awaitSegmentIdle;
import static dev.segments.testing.Api.createSegment;
import static dev.segments.testing.Api.events;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Real-time events, the dirty-user pass and a full recompute must agree exactly: after concurrent,
 * out-of-order events, neither pass finds anything to change, and every membership equals the
 * in-memory evaluation of the user's final attributes.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ThreePathsAgreeTest {

    private static final long FIRST_USER = 30_001;
    private static final long FIRST_IMPORTED = 31_001;
    private static final int USERS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldLeaveNothingForTheIncrementalPassOrAFullRecomputeAfterConcurrentEvents() throws Exception {
        Map<Long, String> rules = createSegments();
        List<SentEvent> sent = sendRandomEventsConcurrently(new Random(42));
        assertSnapshotsEqualASerialReplayByOccurredAt(sent);

        JsonPath incremental = given().post("/api/v1/compute/incremental").then().statusCode(200).extract().jsonPath();
        assertEquals(0, incremental.getLong("added"), "the incremental pass found joins the real-time path missed");
        assertEquals(0, incremental.getLong("removed"), "the incremental pass found leaves the real-time path missed");

        assertNoChangesInAFullRecompute(rules);
        assertMembershipsEqualInMemoryEvaluation(rules, FIRST_USER);
    }

    @Test
    void shouldBringImportedUsersUpToDateInTheIncrementalPassExactlyAsAFullRecomputeWould() throws Exception {
        Map<Long, String> rules = createSegments("imported ");
        Random random = new Random(7);
        StringBuilder lines = new StringBuilder();
        for (long user = FIRST_IMPORTED; user < FIRST_IMPORTED + USERS; user++) {
            lines.append("{\"user_id\": ").append(user).append(", \"attributes\": ").append(randomAttributes(random))
                    .append("}\n");
        }
        given().contentType("application/x-ndjson").body(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/users/import")
                .then().statusCode(200);

        JsonPath incremental = given().post("/api/v1/compute/incremental").then().statusCode(200).extract().jsonPath();
        assertEquals(true, incremental.getLong("users") >= USERS);
        assertEquals(true, incremental.getLong("added") > 0, "imported users joined no segment");
        assertNoChangesInAFullRecompute(rules);
        assertMembershipsEqualInMemoryEvaluation(rules, FIRST_IMPORTED);
    }

    private void assertNoChangesInAFullRecompute(Map<Long, String> rules) {
        List<Number> jobIds = given().post("/api/v1/compute/full").then().statusCode(202).extract().path("job_ids");
        for (Number jobId : jobIds) {
            assertEquals("completed", awaitJob(jobId.longValue()));
            JsonPath job = given().get("/api/v1/jobs/" + jobId).then().extract().jsonPath();
            if (rules.containsKey(job.getLong("segment_id"))) {
                assertEquals(0, job.getLong("added_count"), "full recompute joined users: " + job.prettify());
                assertEquals(0, job.getLong("removed_count"), "full recompute removed users: " + job.prettify());
            }
        }
    }

    private Map<Long, String> createSegments() {
        return createSegments("");
    }

    private Map<Long, String> createSegments(String prefix) {
        Map<Long, String> rules = new LinkedHashMap<>();
        String[] definitions = {
            "{\"attribute\": \"tp_country\", \"op\": \"eq\", \"value\": \"US\"}",
            "{\"attribute\": \"tp_country\", \"op\": \"is_null\"}",
            "{\"operator\": \"AND\", \"conditions\": [{\"attribute\": \"tp_ltv\", \"op\": \"gt\", \"value\": 100},"
                    + "{\"attribute\": \"tp_tier\", \"op\": \"in\", \"value\": [\"premium\", \"enterprise\"]}]}",
            "{\"operator\": \"NOT\", \"conditions\": [{\"attribute\": \"tp_tags\", \"op\": \"contains\", \"value\": \"vip\"}]}",
            "{\"operator\": \"OR\", \"conditions\": [{\"attribute\": \"tp_ltv\", \"op\": \"lte\", \"value\": 10},"
                    + "{\"attribute\": \"tp_tier\", \"op\": \"neq\", \"value\": \"free\"}]}",
        };
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < definitions.length; i++) {
            long id = createSegment(prefix + "three paths " + i, definitions[i]);
            ids.add(id);
            rules.put(id, definitions[i]);
        }
        String composite = "{\"operator\": \"OR\", \"conditions\": [{\"segment\": " + ids.get(0) + "},"
                + "{\"operator\": \"AND\", \"conditions\": [{\"segment\": " + ids.get(2) + "},"
                + "{\"operator\": \"NOT\", \"conditions\": [{\"segment\": " + ids.get(3) + "}]}]}]}";
        long compositeId = createSegment(prefix + "three paths composite", composite);
        rules.put(compositeId, composite);
        rules.keySet().forEach(id -> awaitSegmentIdle(id));
        return rules;
    }

    /** One attribute change as sent: user, time, attribute name and JSON value text ("null" removes). */
    private record SentEvent(long user, Instant at, String attribute, String value) {
    }

    private List<SentEvent> sendRandomEventsConcurrently(Random random) throws Exception {
        List<String> batches = new ArrayList<>();
        List<SentEvent> sent = new ArrayList<>();
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        for (int b = 0; b < 40; b++) {
            StringBuilder batch = new StringBuilder("[");
            for (int e = 0; e < 50; e++) {
                long user = FIRST_USER + random.nextInt(USERS);
                Instant at = base.plusSeconds(random.nextInt(2_000));
                String attributes = randomAttributes(random);
                JSON.readTree(attributes).fields().forEachRemaining(field ->
                        sent.add(new SentEvent(user, at, field.getKey(), field.getValue().toString())));
                batch.append(e == 0 ? "" : ",").append("{\"user_id\": ").append(user)
                        .append(", \"occurred_at\": \"").append(at).append("\", \"attributes\": ")
                        .append(attributes).append('}');
            }
            batches.add(batch.append(']').toString());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String batch : batches) {
                futures.add(pool.submit(() -> events(batch).statusCode(200)));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        return sent;
    }

    /**
     * Whatever the arrival order, each attribute ends with the value of its latest event; on equal
     * times the larger JSON text wins and a removal is the smallest (the documented tie-break).
     */
    private void assertSnapshotsEqualASerialReplayByOccurredAt(List<SentEvent> sent) throws Exception {
        Map<Long, Map<String, SentEvent>> winners = new LinkedHashMap<>();
        for (SentEvent event : sent) {
            winners.computeIfAbsent(event.user(), k -> new LinkedHashMap<>()).merge(event.attribute(), event,
                    (a, b) -> later(a, b) ? a : b);
        }
        for (Map.Entry<Long, Map<String, SentEvent>> user : winners.entrySet()) {
            ObjectNode expected = JSON.createObjectNode();
            user.getValue().forEach((name, event) -> {
                if (!"null".equals(event.value())) {
                    try {
                        expected.set(name, JSON.readTree(event.value()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            String body = given().get("/api/v1/users/" + user.getKey()).then().statusCode(200).extract().asString();
            assertEquals(expected, JSON.readTree(body).get("attributes"), "user " + user.getKey());
        }
    }

    private static boolean later(SentEvent a, SentEvent b) {
        int byTime = a.at().compareTo(b.at());
        if (byTime != 0) {
            return byTime > 0;
        }
        return text(a).compareTo(text(b)) > 0;
    }

    private static String text(SentEvent event) {
        return "null".equals(event.value()) ? "" : event.value();
    }

    private static String randomAttributes(Random random) {
        List<String> fields = new ArrayList<>();
        String[] countries = {"\"US\"", "\"DE\"", "null", "\"us\""};
        String[] tiers = {"\"free\"", "\"premium\"", "\"enterprise\"", "null", "1"};
        String[] ltvs = {"5", "10", "10.0", "150", "100", "\"150\"", "null", "true"};
        String[] tags = {"[\"vip\"]", "[]", "[\"vip\", \"beta\"]", "\"vip\"", "null"};
        if (random.nextBoolean()) {
            fields.add("\"tp_country\": " + countries[random.nextInt(countries.length)]);
        }
        if (random.nextBoolean()) {
            fields.add("\"tp_tier\": " + tiers[random.nextInt(tiers.length)]);
        }
        if (random.nextBoolean()) {
            fields.add("\"tp_ltv\": " + ltvs[random.nextInt(ltvs.length)]);
        }
        if (random.nextBoolean()) {
            fields.add("\"tp_tags\": " + tags[random.nextInt(tags.length)]);
        }
        return "{" + String.join(", ", fields) + "}";
    }

    private void assertMembershipsEqualInMemoryEvaluation(Map<Long, String> rules, long firstUser) throws Exception {
        for (long user = firstUser; user < firstUser + USERS; user++) {
            var response = given().get("/api/v1/users/" + user).then().extract();
            if (response.statusCode() == 404) {
                continue;
            }
            ObjectNode attributes = (ObjectNode) JSON.readTree(response.body().asString()).get("attributes");
            List<Number> segmentIds = response.path("segments.segment_id");
            Set<Long> actual = new HashSet<>();
            segmentIds.forEach(id -> actual.add(id.longValue()));
            Set<Long> expected = new HashSet<>();
            for (Map.Entry<Long, String> rule : rules.entrySet()) {
                boolean member = RuleEvaluator.matches(RuleParser.parse(JSON.readTree(rule.getValue()), "/rules"),
                        attributes, expected::contains, Instant.now());
                if (member) {
                    expected.add(rule.getKey());
                }
            }
            actual.retainAll(rules.keySet());
            assertEquals(expected, actual, "user " + user + " with " + attributes);
        }
    }
}
