package dev.segments.membership;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The changes feed never skips, repeats or reorders a change for a consumer that polls while
 * writers commit out of id order. Users 930_000..930_999, attributes {@code feed_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ChangeFeedTest {

    @Inject
    Pool pool;

    @Inject
    MembershipStore memberships;

    /**
     * A transaction takes its id, then another commits a join, then the first writes a leave of that
     * membership and commits. While the first is open nothing newer is served; afterwards the join
     * comes before the leave, although the leave's transaction id is the smaller one.
     */
    @Test
    void shouldHoldNewerChangesBackUntilAnOlderTransactionEndsAndKeepTheirOrder() throws Exception {
        long segment = createSegmentAndWait("feed early xid", "{\"attribute\": \"feed_early\", \"op\": \"eq\", \"value\": 1}");
        String start = feed(segment, null).getString("next_since");
        CountDownLatch xidTaken = new CountDownLatch(1);
        CountDownLatch joined = new CountDownLatch(1);
        CompletableFuture<Void> early = pool.withTransaction(conn -> conn.query("SELECT pg_current_xact_id()").execute()
                        .invoke(xidTaken::countDown)
                        .chain(() -> Uni.createFrom().item(() -> await(joined)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .chain(() -> memberships.write(conn, List.of(MembershipChange.byEvent(930_001, segment, false, "early")))))
                .subscribeAsCompletionStage();
        assertTrue(xidTaken.await(30, TimeUnit.SECONDS));

        putAttributes(930_001, "{\"feed_early\": 1}").statusCode(200);
        assertEquals(List.of(), feed(segment, start).getList("changes"), "served while an older transaction was open");
        joined.countDown();
        early.get(30, TimeUnit.SECONDS);

        JsonPath after = feed(segment, start);
        assertEquals(List.of("930001", "930001"), after.getList("changes.user_id"));
        assertEquals(List.of("join", "leave"), after.getList("changes.kind"));
        putAttributes(930_001, "{\"feed_early\": 0}").statusCode(200); // rule and membership agree again
    }

    @Test
    void shouldGiveAPollingConsumerEveryChangeOnceAndInOrderUnderConcurrentWriters() throws Exception {
        long segment = createSegmentAndWait("feed concurrent", "{\"attribute\": \"feed_on\", \"op\": \"eq\", \"value\": true}");
        List<Long> users = new ArrayList<>();
        for (long user = 930_100; user < 930_140; user++) {
            users.add(user);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService executor = Executors.newFixedThreadPool(5);
        List<Map<String, Object>> consumed = new ArrayList<>();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Random random = new Random(w);
                writers.add(executor.submit(() -> {
                    for (int request = 0; request < 40; request++) {
                        StringBuilder batch = new StringBuilder("[");
                        for (int e = 0; e < 5; e++) {
                            batch.append(e == 0 ? "" : ",").append("{\"user_id\": ").append(users.get(random.nextInt(users.size())))
                                    .append(", \"attributes\": {\"feed_on\": ").append(random.nextBoolean()).append("}}");
                        }
                        events(batch.append("]").toString()).statusCode(200);
                        if (request % 10 == 0) {
                            given().post("/api/v1/segments/" + segment + "/compute").then().statusCode(202);
                        }
                    }
                }));
            }
            Future<?> consumer = executor.submit(() -> {
                String since = null;
                boolean drained = false;
                while (!drained) {
                    boolean wasWriting = writing.get();
                    JsonPath page = given().queryParam("limit", 7).queryParam("since", since == null ? "" : since)
                            .get("/api/v1/segments/" + segment + "/changes").then().statusCode(200).extract().jsonPath();
                    consumed.addAll(page.getList("changes"));
                    since = page.getString("next_since");
                    drained = !wasWriting && !page.getBoolean("has_more");
                }
            });
            for (Future<?> writer : writers) {
                writer.get(120, TimeUnit.SECONDS);
            }
            dev.segments.testing.Api.awaitSegmentIdle(segment);
            writing.set(false);
            consumer.get(120, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }

        List<Long> ids = consumed.stream().map(c -> ((Number) c.get("id")).longValue()).toList();
        assertEquals(ids.size(), new HashSet<>(ids).size(), "a change was served twice");
        assertEquals(new TreeSet<>(allEventIds(segment)), new TreeSet<>(ids), "the consumer missed changes");
        Map<Long, Boolean> copy = new HashMap<>();
        for (Map<String, Object> change : consumed) {
            long user = Long.parseLong((String) change.get("user_id"));
            boolean join = "join".equals(change.get("kind"));
            assertTrue(copy.getOrDefault(user, false) != join, "user " + user + " got two " + change.get("kind") + "s in a row");
            copy.put(user, join);
        }
        Set<Long> copied = new TreeSet<>();
        copy.forEach((user, member) -> {
            if (member) {
                copied.add(user);
            }
        });
        assertEquals(members(segment, 930_100, 930_139), List.copyOf(copied));
    }

    /** Every event of the segment, from its history (all of it, newest first). */
    private static List<Long> allEventIds(long segment) {
        List<Long> ids = new ArrayList<>();
        String after = null;
        do {
            JsonPath page = given().queryParam("limit", 1000).queryParam("after", after == null ? "" : after)
                    .get("/api/v1/segments/" + segment + "/history").then().statusCode(200).extract().jsonPath();
            page.getList("history.id", Number.class).forEach(id -> ids.add(id.longValue()));
            after = page.getString("next_after");
        } while (after != null);
        return ids;
    }

    private static JsonPath feed(long segment, String since) {
        return given().queryParam("since", since == null ? "" : since).get("/api/v1/segments/" + segment + "/changes")
                .then().statusCode(200).extract().jsonPath();
    }

    private static Void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
