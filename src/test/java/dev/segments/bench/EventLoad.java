package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * attribute_changed events through {@code POST /api/v1/events}: batches from a few concurrent
 * clients (throughput), then single events one after another (latency). Request bodies are built
 * before the clock starts. Each client changes its own users, so clients never wait on each other's
 * row locks.
 */
final class EventLoad {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final BenchClient api;
    private final BenchSettings settings;
    private final Random random;

    EventLoad(BenchClient api, BenchSettings settings) {
        this.api = api;
        this.settings = settings;
        this.random = new Random(settings.seed() ^ 0xE7E7);
    }

    BenchFigures.Events run() throws Exception {
        int clients = settings.eventClients();
        List<List<String>> bodies = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<String> own = new ArrayList<>();
            for (int r = c; r < settings.eventRequests(); r += clients) {
                own.add(batch(settings.eventsPerRequest(), c, clients));
            }
            bodies.add(own);
        }
        AtomicLong joined = new AtomicLong();
        AtomicLong left = new AtomicLong();
        ExecutorService executor = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (List<String> own : bodies) {
                running.add(executor.submit(() -> own.forEach(body -> {
                    JsonNode result = api.post("/api/v1/events", body, 200);
                    joined.addAndGet(result.path("joined").asLong());
                    left.addAndGet(result.path("left").asLong());
                })));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            executor.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long events = (long) settings.eventRequests() * settings.eventsPerRequest();
        double[] latencies = singleEventLatencies();
        return new BenchFigures.Events(events, seconds, joined.get(), left.get(), clients, settings.eventsPerRequest(),
                latencies.length, percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    /** Milliseconds of each timed single-event request, sorted; a tenth as many warm-up requests go first. */
    private double[] singleEventLatencies() {
        int warmUp = Math.max(10, settings.latencyRequests() / 10);
        for (int i = 0; i < warmUp; i++) {
            api.post("/api/v1/events", batch(1, 0, 1), 200);
        }
        double[] millis = new double[settings.latencyRequests()];
        for (int i = 0; i < millis.length; i++) {
            String body = batch(1, 0, 1);
            long start = System.nanoTime();
            api.post("/api/v1/events", body, 200);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /**
     * Sends one event with realistic attribute changes for each of these users, 1,000 per request, one
     * request at a time: their memberships are then current and the users are dirty.
     */
    void changeThroughEvents(Long[] users) {
        for (int from = 0; from < users.length; from += 1000) {
            ArrayNode events = JSON.arrayNode();
            for (int i = from; i < Math.min(users.length, from + 1000); i++) {
                events.addObject().put("user_id", users[i]).set("attributes", change());
            }
            api.post("/api/v1/events", events.toString(), 200);
        }
    }

    /** A body of {@code size} events for users whose index is {@code client} modulo {@code clients}. */
    private String batch(int size, int client, int clients) {
        ArrayNode events = JSON.arrayNode();
        int perClient = settings.users() / clients;
        for (int i = 0; i < size; i++) {
            long user = settings.firstUserId() + 1 + (long) random.nextInt(perClient) * clients + client;
            ObjectNode event = events.addObject().put("user_id", user);
            event.set("attributes", change());
        }
        return events.toString();
    }

    private ObjectNode change() {
        return change(random);
    }

    /** One to three realistic attribute changes (also the intake benchmark's, {@link EventBodies}). */
    static ObjectNode change(Random random) {
        ObjectNode attributes = JSON.objectNode();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            switch (random.nextInt(6)) {
                case 0 -> attributes.put("sessions_30d", random.nextInt(90));
                case 1 -> attributes.put("lifetime_value", Math.round(random.nextDouble() * 250_000) / 100.0);
                case 2 -> attributes.put("account_tier", BenchUsers.TIERS[random.nextInt(BenchUsers.TIERS.length)]);
                case 3 -> attributes.put("email_opt_in", random.nextBoolean());
                case 4 -> attributes.put("orders_count", random.nextInt(40));
                default -> attributes.putArray("tags").add(BenchUsers.TAGS[random.nextInt(BenchUsers.TAGS.length)]);
            }
        }
        return attributes;
    }
}
