package dev.segments.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slow webhook consumer: answers each batch after {@code delayMillis}, keeps each {@code webhook-id}
 * once (as a deduplicating consumer does) and collects the user ids of the NDJSON lines it kept.
 */
final class WebhookSink implements AutoCloseable {

    private final HttpServer server;
    private final long delayMillis;
    private final Map<String, Boolean> batches = new ConcurrentHashMap<>();
    private final Set<Long> users = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();

    WebhookSink(long delayMillis) throws IOException {
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    Set<Long> users() {
        return Set.copyOf(users);
    }

    int requests() {
        return requests.get();
    }

    int batches() {
        return batches.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        AppProcess.sleep(delayMillis);
        if (batches.putIfAbsent(exchange.getRequestHeaders().getFirst("webhook-id"), true) == null) {
            body.lines().filter(line -> !line.isBlank())
                    .forEach(line -> users.add(userId(line)));
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    private static long userId(String line) {
        try {
            return Http.JSON.readTree(line).get("user_id").asLong();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(line, e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
