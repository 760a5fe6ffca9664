package dev.segments.user;

import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.importUsers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An import and events for the same users at the same time: both take the users' dirty flags before their
 * snapshots, in user order, so neither waits for the other in a cycle (PostgreSQL would abort one of them
 * as a deadlock: a failed import, or a 5xx for the events). Users 8_400_000..8_419_999, attribute {@code iwe_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ImportWithEventsTest {

    private static final long FIRST = 8_400_000;
    private static final int USERS = 20_000;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldApplyAnImportAndConcurrentEventsWithoutADeadlock() throws Exception {
        importUsers(lines(0)).statusCode(200);
        events(batch(new Random(1))).statusCode(200); // flags with copies exist for some users: the import's triggers meet them

        AtomicBoolean importing = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Random random = new Random(10 + t);
                writers.add(threads.submit(() -> {
                    while (importing.get() || sent.get() < 6) {
                        var answer = events(batch(random)).extract();
                        sent.incrementAndGet();
                        if (answer.statusCode() != 200) {
                            failures.add(answer.statusCode() + " " + answer.body().asString());
                        }
                    }
                }));
            }
            for (int round = 1; round <= 3; round++) {
                var answer = importUsers(lines(round)).extract();
                if (answer.statusCode() != 200) {
                    failures.add("import: " + answer.statusCode() + " " + answer.body().asString());
                }
            }
            importing.set(false);
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertEquals(List.of(), List.copyOf(failures), "every import and event batch applied (" + sent.get() + " batches sent)");
        assertTrue(sent.get() >= 6, "events were sent while importing");
        // and every flag's copy of the attributes is still exact or absent (V16)
        assertEquals(0, Sql.count(dataSource, """
                SELECT count(*) FROM dirty_user d JOIN user_attribute_snapshot s USING (user_id)
                WHERE d.user_id BETWEEN %d AND %d AND d.attributes IS NOT NULL AND d.attributes <> s.attributes::text"""
                .formatted(FIRST, FIRST + USERS - 1)));
    }

    /** Every user of the range, with this round's value. */
    private static String lines(int round) {
        StringBuilder out = new StringBuilder();
        for (long user = FIRST; user < FIRST + USERS; user++) {
            out.append("{\"user_id\": ").append(user).append(", \"attributes\": {\"iwe_round\": ").append(round)
                    .append(", \"iwe_group\": ").append(user % 7).append("}}\n");
        }
        return out.toString();
    }

    /** 500 random users of the range (unsorted, some twice), each with a new value. */
    private static String batch(Random random) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            out.append(i == 0 ? "" : ",").append("{\"user_id\": ").append(FIRST + random.nextInt(USERS))
                    .append(", \"attributes\": {\"iwe_seen\": ").append(random.nextInt(1000)).append("}}");
        }
        return out.append("]").toString();
    }
}
