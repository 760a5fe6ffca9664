package dev.segments.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The grouping rules of {@link IntakeQueue}, with an applier the test completes by hand: which waiting
 * requests share a transaction, in which order, and what a failed group answers. (That grouped requests
 * get their own joins and leaves from the real database is {@code EventApiTest}'s concern.)
 */
class IntakeQueueTest {

    /** Records each group it is given; each group's answer waits for the test to release it. */
    private final List<List<List<AttributeChange>>> groups = new ArrayList<>();
    private final List<CompletableFuture<Void>> releases = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private String failingUser;

    private IntakeQueue queue(int maxEvents, int maxInFlight) {
        return new IntakeQueue(maxEvents, maxInFlight, requests -> {
            groups.add(requests);
            CompletableFuture<Void> release = new CompletableFuture<>();
            releases.add(release);
            return Uni.createFrom().completionStage(release).map(ignored -> {
                if (failingUser != null && requests.stream().flatMap(List::stream).anyMatch(c -> c.userId().equals(failingUser))) {
                    throw new IllegalStateException("cannot apply " + failingUser);
                }
                return requests.stream().map(r -> new IntakeResult(r.size(), 0, 0, 0, Map.of(), Map.of())).toList();
            });
        }, sizes::add);
    }

    @Test
    void shouldStartARequestAtOnceWhenNothingIsInFlight() {
        IntakeQueue queue = queue(1000, 1);
        CompletionStage<IntakeResult> answer = submit(queue, "a");
        assertEquals(List.of(List.of(List.of("a"))), users());
        release(0);
        assertEquals(1, answer.toCompletableFuture().join().processed());
    }

    @Test
    void shouldGroupWaitingRequestsInArrivalOrderAndStopBeforeARepeatedUser() {
        IntakeQueue queue = queue(1000, 1);
        submit(queue, "a");
        var b = submit(queue, "b");
        var c = submit(queue, "c", "x");
        var d = submit(queue, "b"); // b is in the group already: the group stops here, d waits for the next one
        var e = submit(queue, "e");
        assertEquals(4, queue.waiting());

        release(0);
        assertEquals(List.of(List.of("b"), List.of("c", "x")), users().get(1));
        release(1);
        assertEquals(List.of(List.of("b"), List.of("e")), users().get(2));
        release(2);
        assertEquals(List.of(1, 2, 1, 1), List.of(b.toCompletableFuture().join().processed(), c.toCompletableFuture().join().processed(),
                d.toCompletableFuture().join().processed(), e.toCompletableFuture().join().processed()));
        assertEquals(List.of(1, 2, 2), sizes);
        assertEquals(0, queue.waiting());
    }

    @Test
    void shouldKeepAGroupWithinItsEventsAndSendALargerRequestAlone() {
        IntakeQueue queue = queue(3, 1);
        submit(queue, "a");
        submit(queue, "b", "c");
        submit(queue, "d", "e"); // 2 + 2 > 3
        submit(queue, "f", "g", "h", "i"); // larger than a group: alone
        release(0);
        release(1);
        release(2);
        release(3);
        assertEquals(List.of(List.of(List.of("a")), List.of(List.of("b", "c")), List.of(List.of("d", "e")),
                List.of(List.of("f", "g", "h", "i"))), users());
    }

    @Test
    void shouldRunUpToMaxInFlightGroupsAtOnce() {
        IntakeQueue queue = queue(1000, 2);
        submit(queue, "a");
        submit(queue, "b");
        submit(queue, "c");
        submit(queue, "d");
        assertEquals(2, groups.size());
        release(1);
        assertEquals(List.of(List.of("c"), List.of("d")), users().get(2));
    }

    @Test
    void shouldRetryEachRequestOfAFailedGroupAloneSoOnlyTheBadOneFails() {
        IntakeQueue queue = queue(1000, 1);
        submit(queue, "a");
        var good = submit(queue, "b");
        var bad = submit(queue, "bad");
        failingUser = "bad";
        release(0);
        release(1); // the group of b and bad fails: each is tried again alone
        assertEquals(List.of(List.of("b")), users().get(2));
        assertEquals(List.of(List.of("bad")), users().get(3));
        release(2);
        release(3);
        assertEquals(1, good.toCompletableFuture().join().processed());
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> bad.toCompletableFuture().get());
        assertTrue(failure.getCause().getMessage().contains("cannot apply bad"));
        assertFalse(good.toCompletableFuture().isCompletedExceptionally());
    }

    private static CompletionStage<IntakeResult> submit(IntakeQueue queue, String... users) {
        List<AttributeChange> changes = IntStream.range(0, users.length).mapToObj(i -> new AttributeChange(users[i],
                JsonNodeFactory.instance.objectNode().put("n", i), 0, false, null, false)).toList();
        return queue.submit(changes).subscribeAsCompletionStage();
    }

    private void release(int group) {
        releases.get(group).complete(null);
    }

    /** Each group's requests, as their users. */
    private List<List<List<String>>> users() {
        return groups.stream().map(g -> g.stream().map(r -> r.stream().map(AttributeChange::userId).toList()).toList()).toList();
    }
}
