package dev.segments.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.problem.Problem;
import dev.segments.problem.ProblemException;
import dev.segments.user.AttributeChange;
import io.smallrye.mutiny.Uni;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How a poll's messages are applied, with a stand-in intake: a refused chunk is halved until the bad
 * messages stand alone (dead-lettered, everything else applied once and in order), a database outage is
 * waited out without dead letters, and a message that keeps failing for no known reason is dead-lettered
 * after a few attempts so it cannot block its partition.
 */
class BatchApplierTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AttributeChange> committed = Collections.synchronizedList(new ArrayList<>());
    private final Map<Long, Problem> deadLettered = Collections.synchronizedMap(new LinkedHashMap<>());
    private final DeadLetterSink sink = (delivery, problem) -> {
        deadLettered.put(delivery.offset(), problem);
        return Uni.createFrom().voidItem();
    };

    private static List<KafkaMessages.Parsed> messages(int count) {
        List<KafkaMessages.Parsed> messages = new ArrayList<>();
        for (int offset = 0; offset < count; offset++) {
            String value = "{\"user_id\": " + (offset + 1) + ", \"attributes\": {\"n\": " + offset + "}}";
            messages.add(KafkaMessages.parse(new KafkaDelivery("t", 0, offset, null, value.getBytes(), 1_000L), JSON));
        }
        return messages;
    }

    /** An intake that commits a batch only when it holds none of the refused users. */
    private Function<List<AttributeChange>, Uni<?>> refusing(long... users) {
        return batch -> {
            for (AttributeChange change : batch) {
                for (long user : users) {
                    if (userOf(change) == user) {
                        return Uni.createFrom().failure(ProblemException.badRequest("/attributes", "refused " + user));
                    }
                }
            }
            committed.addAll(batch);
            return Uni.createFrom().voidItem();
        };
    }

    /** The user id as a number, whether the record holds it as a long or as the customer's string. */
    private static long userOf(AttributeChange change) {
        return Long.parseLong(String.valueOf(change.userId()));
    }

    @Test
    void shouldDeadLetterOnlyTheRefusedMessagesAndApplyTheOthersOnceInOrder() {
        new BatchApplier(refusing(13, 14, 77), sink, 40, Duration.ofMillis(1)).apply(messages(100)).await().indefinitely();
        assertEquals(List.of(12L, 13L, 76L), List.copyOf(deadLettered.keySet()));
        assertEquals("refused 13", deadLettered.get(12L).detail());
        assertEquals(400, deadLettered.get(76L).status());
        List<Long> applied = committed.stream().map(BatchApplierTest::userOf).toList();
        assertEquals(97, applied.size());
        for (int i = 1; i < applied.size(); i++) {
            assertTrue(applied.get(i - 1) < applied.get(i), "applied in order, each once: " + applied);
        }
    }

    @Test
    void shouldDeadLetterMessagesThatCannotBeParsedAndApplyTheRest() {
        List<KafkaMessages.Parsed> messages = new ArrayList<>(messages(3));
        messages.add(1, KafkaMessages.parse(new KafkaDelivery("t", 0, 99, null, "{oops".getBytes(), 1L), JSON));
        new BatchApplier(refusing(), sink, 10, Duration.ofMillis(1)).apply(messages).await().indefinitely();
        assertEquals(List.of(99L), List.copyOf(deadLettered.keySet()));
        assertEquals(3, committed.size());
    }

    @Test
    void shouldWaitForTheDatabaseInsteadOfDeadLettering() {
        AtomicInteger attempts = new AtomicInteger();
        Function<List<AttributeChange>, Uni<?>> flaky = batch -> {
            if (attempts.incrementAndGet() <= 6) {
                return Uni.createFrom().failure(new ConnectException("Connection refused"));
            }
            committed.addAll(batch);
            return Uni.createFrom().voidItem();
        };
        new BatchApplier(flaky, sink, 1000, Duration.ofMillis(1)).apply(messages(50)).await().indefinitely();
        assertEquals(7, attempts.get());
        assertEquals(50, committed.size());
        assertTrue(deadLettered.isEmpty());
    }

    @Test
    void shouldDeadLetterAMessageThatKeepsFailingUnexpectedly() {
        Function<List<AttributeChange>, Uni<?>> broken = batch -> {
            if (batch.stream().anyMatch(c -> userOf(c) == 2)) {
                return Uni.createFrom().failure(new IllegalStateException("bug"));
            }
            committed.addAll(batch);
            return Uni.createFrom().voidItem();
        };
        new BatchApplier(broken, sink, 1000, Duration.ofMillis(1)).apply(messages(4)).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of(1L), List.copyOf(deadLettered.keySet()));
        assertEquals(500, deadLettered.get(1L).status());
        assertEquals(3, committed.size());
    }

    @Test
    void shouldApplyThePartitionsSideBySideEachInItsOrder() {
        List<KafkaMessages.Parsed> messages = new ArrayList<>();
        for (int offset = 0; offset < 90; offset++) {
            String value = "{\"user_id\": " + (offset + 1) + ", \"attributes\": {\"n\": " + offset + "}}";
            messages.add(KafkaMessages.parse(new KafkaDelivery("t", offset % 3, offset, null, value.getBytes(), 1_000L), JSON));
        }
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Function<List<AttributeChange>, Uni<?>> slow = batch -> Uni.createFrom().voidItem()
                .invoke(() -> most.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                .onItem().delayIt().by(Duration.ofMillis(20))
                .invoke(() -> {
                    committed.addAll(batch);
                    inFlight.decrementAndGet();
                });
        new BatchApplier(slow, sink, 10, Duration.ofMillis(1)).apply(messages).await().atMost(Duration.ofSeconds(10));

        assertEquals(90, committed.size());
        assertEquals(3, most.get(), "one chunk of each partition in flight at once");
        for (int partition = 0; partition < 3; partition++) {
            int p = partition;
            List<Long> users = committed.stream().map(BatchApplierTest::userOf).filter(u -> (u - 1) % 3 == p).toList();
            for (int i = 1; i < users.size(); i++) {
                assertTrue(users.get(i - 1) < users.get(i), "partition " + p + " applied in offset order: " + users);
            }
        }
    }
}
