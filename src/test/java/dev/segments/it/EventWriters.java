package dev.segments.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads sending {@code POST /api/v1/events} continuously for overlapping users, each event with its
 * own {@code occurred_at} (unique across all threads), recording every event with the answer it got.
 * {@link #mismatches} then compares the stored snapshots with a serial replay of the accepted events.
 */
final class EventWriters {

    /** One attribute change as sent, with the HTTP answer of its request. */
    record Sent(long user, long micros, String attribute, String value, int status, long millis, String contentType,
            String retryAfter, long sentAtNanos) {
        boolean accepted() {
            return status == 200;
        }
    }

    private static final Instant BASE = Instant.parse("2026-06-01T00:00:00Z");
    private static final AtomicLong CLOCK = new AtomicLong();

    private final List<Http> targets;
    private final int threadsPerTarget;
    private final long firstUser;
    private final int users;
    private final int maxBatch;
    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /** Writers sending requests of 1 to {@code maxBatch} events for users {@code firstUser ..+ users}. */
    EventWriters(List<Http> targets, int threadsPerTarget, long firstUser, int users, int maxBatch) {
        this.maxBatch = maxBatch;
        this.targets = targets;
        this.threadsPerTarget = threadsPerTarget;
        this.firstUser = firstUser;
        this.users = users;
    }

    void start() {
        running.set(true);
        int n = 0;
        for (Http target : targets) {
            for (int t = 0; t < threadsPerTarget; t++) {
                Random random = new Random(1000 + n++);
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        sendOne(target, random);
                    }
                }, "event-writer-" + n);
                thread.start();
                threads.add(thread);
            }
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    long accepted() {
        return sent().stream().filter(Sent::accepted).count();
    }

    private void sendOne(Http target, Random random) {
        List<Sent> events = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        int size = 1 + random.nextInt(maxBatch);
        for (int i = 0; i < size; i++) {
            long user = firstUser + random.nextInt(users);
            long micros = CLOCK.incrementAndGet() * 1000;
            Map<String, String> attributes = new HashMap<>();
            if (random.nextBoolean()) {
                attributes.put("ev_n", Integer.toString(random.nextInt(1000)));
            }
            if (attributes.isEmpty() || random.nextBoolean()) {
                attributes.put("ev_tag", random.nextInt(5) == 0 ? "null" : "\"" + (char) ('a' + random.nextInt(3)) + "\"");
            }
            body.append(i == 0 ? "" : ",").append("{\"user_id\": ").append(user).append(", \"occurred_at\": \"")
                    .append(BASE.plusNanos(micros * 1000)).append("\", \"attributes\": {");
            int k = 0;
            for (Map.Entry<String, String> attribute : attributes.entrySet()) {
                body.append(k++ == 0 ? "" : ", ").append('"').append(attribute.getKey()).append("\": ").append(attribute.getValue());
                events.add(new Sent(user, micros, attribute.getKey(), attribute.getValue(), 0, 0, null, null, 0));
            }
            body.append("}}");
        }
        long start = System.nanoTime();
        int status;
        long millis;
        String contentType = null;
        String retryAfter = null;
        try {
            Http.Answer answer = target.post("/api/v1/events", body.append(']').toString());
            status = answer.status();
            millis = answer.millis();
            contentType = answer.contentType();
            retryAfter = answer.retryAfter();
        } catch (UncheckedIOException e) {
            status = -1; // no answer at all
            millis = (System.nanoTime() - start) / 1_000_000;
        }
        for (Sent event : events) {
            sent.add(new Sent(event.user(), event.micros(), event.attribute(), event.value(), status, millis, contentType,
                    retryAfter, start));
        }
    }

    /**
     * Attributes whose stored value is not the one a serial replay of the accepted events by
     * {@code occurred_at} gives. An event that got no 200 may or may not have been applied (the
     * database may have committed it just before the connection broke), so a value from a later
     * unanswered event is accepted too; an accepted event is never allowed to be lost.
     */
    long mismatches(Connection db) throws SQLException {
        Map<String, Sent> latestAccepted = new HashMap<>();
        Map<String, List<Sent>> all = new HashMap<>();
        for (Sent event : sent()) {
            String key = event.user() + "/" + event.attribute();
            all.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
            if (event.accepted()) {
                latestAccepted.merge(key, event, (a, b) -> a.micros() > b.micros() ? a : b);
            }
        }
        Map<Long, JsonNode> stored = snapshots(db);
        long mismatches = 0;
        for (Map.Entry<String, List<Sent>> entry : all.entrySet()) {
            Sent first = entry.getValue().get(0);
            JsonNode attributes = stored.get(first.user());
            JsonNode value = attributes == null ? null : attributes.get(first.attribute());
            Sent winner = latestAccepted.get(entry.getKey());
            long after = winner == null ? Long.MIN_VALUE : winner.micros();
            boolean ok = (winner == null && value == null) || (winner != null && same(value, winner.value()));
            for (Sent event : entry.getValue()) {
                if (!ok && !event.accepted() && event.micros() > after && same(value, event.value())) {
                    ok = true;
                }
            }
            if (!ok) {
                mismatches++;
                System.out.println("mismatch " + entry.getKey() + ": stored " + value + ", latest accepted " + winner);
            }
        }
        return mismatches;
    }

    private Map<Long, JsonNode> snapshots(Connection db) throws SQLException {
        Map<Long, JsonNode> stored = new HashMap<>();
        try (Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery(
                "SELECT user_id, attributes::text FROM user_attribute_snapshot WHERE user_id BETWEEN " + firstUser
                        + " AND " + (firstUser + users - 1))) {
            while (rows.next()) {
                stored.put(rows.getLong(1), Http.JSON.readTree(rows.getString(2)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stored;
    }

    private static boolean same(JsonNode stored, String sentValue) {
        if ("null".equals(sentValue)) {
            return stored == null;
        }
        try {
            return stored != null && stored.equals(Http.JSON.readTree(sentValue));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
