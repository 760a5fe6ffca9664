package dev.segments.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Request bodies for {@code POST /api/v1/events}, built before any clock starts: events for random
 * generated users, each client's users disjoint from the others' (so clients never wait on each
 * other's row locks), with the same one to three realistic changes as {@link EventLoad}. Users are
 * named by their numeric id or by the string id they were imported under ({@link ImportBench}).
 */
final class EventBodies {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final BenchSettings settings;
    private final boolean stringIds;
    private final Random random;

    EventBodies(BenchSettings settings, boolean stringIds, long seed) {
        this.settings = settings;
        this.stringIds = stringIds;
        this.random = new Random(seed);
    }

    /** {@code requests} bodies of {@code size} events per client, for {@code clients} clients. */
    List<List<String>> perClient(int clients, int requests, int size) {
        List<List<String>> bodies = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<String> own = new ArrayList<>();
            for (int r = c; r < requests; r += clients) {
                own.add(batch(size, c, clients));
            }
            bodies.add(own);
        }
        return bodies;
    }

    /** A body of {@code size} events for users whose index is {@code client} modulo {@code clients}. */
    String batch(int size, int client, int clients) {
        ArrayNode events = JSON.arrayNode();
        int perClient = settings.users() / clients;
        for (int i = 0; i < size; i++) {
            long n = 1 + (long) random.nextInt(perClient) * clients + client;
            ObjectNode event = events.addObject();
            if (stringIds) {
                event.put("user_id", ImportBench.STRING_PREFIX + n);
            } else {
                event.put("user_id", settings.firstUserId() + n);
            }
            event.set("attributes", change());
        }
        return events.toString();
    }

    private ObjectNode change() {
        return EventLoad.change(random);
    }
}
