package dev.segments.user;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Group commit for attribute changes: requests that arrive while this instance's transactions are busy
 * wait here and then go into the database together, as one transaction. A single event then shares the
 * transaction's fixed cost (a dozen statements and a commit) with the events that arrived beside it, which
 * is what lets one instance take hundreds of single-event requests a second; on an idle instance a request
 * starts at once and waits for nothing.
 *
 * <p>What every caller sees is exactly what it would see if its request had been applied alone: a group
 * takes waiting requests in arrival order and stops before one that names a user already in the group, so
 * no user's changes from two requests meet in one evaluation and each request's joins and leaves are its
 * own. A group never splits a request, and stops before exceeding {@code maxEvents} (a larger request goes
 * alone). If a group of several requests fails, each of its requests is tried again alone, so one request
 * that cannot be applied fails only itself. Answers are delivered on the caller's own Vert.x context.
 */
final class IntakeQueue {

    private final int maxEvents;
    private final int maxInFlight;
    private final Function<List<List<AttributeChange>>, Uni<List<IntakeResult>>> applier;
    private final Consumer<Integer> groupSizes;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inFlight;

    /**
     * @param maxEvents   the most events a group of several requests holds
     * @param maxInFlight how many groups this instance has in the database at once
     * @param applier     applies requests in one transaction and answers each request's result, in order
     * @param groupSizes  told the number of requests of each group sent (a metric)
     */
    IntakeQueue(int maxEvents, int maxInFlight, Function<List<List<AttributeChange>>, Uni<List<IntakeResult>>> applier,
            Consumer<Integer> groupSizes) {
        if (maxEvents < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("a group holds at least one event and one group can run");
        }
        this.maxEvents = maxEvents;
        this.maxInFlight = maxInFlight;
        this.applier = applier;
        this.groupSizes = groupSizes;
    }

    Uni<IntakeResult> submit(List<AttributeChange> changes) {
        return Uni.createFrom().<IntakeResult>emitter(emitter -> {
            synchronized (this) {
                waiting.add(new Pending(changes, emitter, Vertx.currentContext()));
            }
            drain();
        });
    }

    /** Requests waiting for a transaction (for tests and metrics). */
    synchronized int waiting() {
        return waiting.size();
    }

    private void drain() {
        while (true) {
            List<Pending> group;
            synchronized (this) {
                if (inFlight >= maxInFlight || waiting.isEmpty()) {
                    return;
                }
                group = take();
                inFlight++;
            }
            groupSizes.accept(group.size());
            run(group).subscribe().with(ignored -> finished(), failure -> finished());
        }
    }

    /** The longest run of waiting requests, from the oldest, with no user in two of them and within the size bound. */
    private List<Pending> take() {
        List<Pending> group = new ArrayList<>();
        Set<String> users = new HashSet<>();
        int events = 0;
        while (!waiting.isEmpty()) {
            Pending next = waiting.peek();
            if (!group.isEmpty() && (events + next.changes.size() > maxEvents || !disjoint(users, next.changes))) {
                break;
            }
            waiting.poll();
            group.add(next);
            events += next.changes.size();
            next.changes.forEach(change -> users.add(change.userId()));
        }
        return group;
    }

    private static boolean disjoint(Set<String> users, List<AttributeChange> changes) {
        for (AttributeChange change : changes) {
            if (users.contains(change.userId())) {
                return false;
            }
        }
        return true;
    }

    /** Applies the group and answers its requests; a failed group of several is retried request by request. */
    private Uni<Void> run(List<Pending> group) {
        List<List<AttributeChange>> requests = group.stream().map(Pending::changes).toList();
        return Uni.createFrom().deferred(() -> applier.apply(requests))
                .onItem().invoke(results -> {
                    for (int i = 0; i < group.size(); i++) {
                        group.get(i).complete(results.get(i));
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    if (group.size() == 1) {
                        group.get(0).fail(failure);
                        return Uni.createFrom().voidItem();
                    }
                    return Uni.join().all(group.stream().map(p -> run(List.of(p))).toList()).andCollectFailures()
                            .replaceWithVoid();
                });
    }

    private void finished() {
        synchronized (this) {
            inFlight--;
        }
        drain();
    }

    private record Pending(List<AttributeChange> changes, UniEmitter<? super IntakeResult> emitter, Context context) {

        void complete(IntakeResult result) {
            deliver(() -> emitter.complete(result));
        }

        void fail(Throwable failure) {
            deliver(() -> emitter.fail(failure));
        }

        private void deliver(Runnable answer) {
            if (context == null || context == Vertx.currentContext()) {
                answer.run();
            } else {
                context.runOnContext(ignored -> answer.run());
            }
        }
    }
}
