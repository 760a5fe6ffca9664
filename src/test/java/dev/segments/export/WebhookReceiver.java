package dev.segments.export;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP receiver for webhook tests: verifies each request's Standard Webhooks signature with
 * its own HMAC code, answers from a script (then 204), and keeps what a consumer deduplicating by
 * {@code webhook-id} would keep.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One scripted answer; {@code process} says whether the consumer handled the batch before answering. */
    record Answer(int status, String retryAfter, boolean process) {
    }

    record Attempt(String webhookId, long timestamp, boolean signatureValid, int answered, long receivedAtMillis) {
    }

    private final HttpServer server;
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> accepted = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Integer> deliveries = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile String secret;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void secret(String secret) {
        this.secret = secret;
    }

    void then(int status, String retryAfter, boolean process) {
        script.add(new Answer(status, retryAfter, process));
    }

    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /** The batches the consumer kept, by webhook-id, in arrival order: each at most once. */
    Map<String, String> accepted() {
        synchronized (accepted) {
            return new LinkedHashMap<>(accepted);
        }
    }

    /** How many times each webhook-id was handled as new (more than 1 would be a duplicate). */
    Map<String, Integer> deliveries() {
        synchronized (deliveries) {
            return new LinkedHashMap<>(deliveries);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        boolean valid = id != null && timestamp != null && signature != null && signature.equals(expected(id, timestamp, body));
        Answer answer = script.poll();
        if (answer == null) {
            answer = new Answer(204, null, true);
        }
        if (valid && answer.process()) {
            synchronized (accepted) {
                if (!accepted.containsKey(id)) { // the consumer's deduplication by webhook-id
                    accepted.put(id, new String(body, StandardCharsets.UTF_8));
                    deliveries.merge(id, 1, Integer::sum);
                }
            }
        }
        int status = valid ? answer.status() : 401;
        attempts.add(new Attempt(id, timestamp == null ? 0 : Long.parseLong(timestamp), valid, status, System.currentTimeMillis()));
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** Independent of the app's signer: HMAC-SHA256 over id.timestamp.body with the decoded whsec_ key. */
    private String expected(String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.split("_", 2)[1]), "HmacSHA256"));
            byte[] signed = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
            byte[] content = new byte[signed.length + body.length];
            System.arraycopy(signed, 0, content, 0, signed.length);
            System.arraycopy(body, 0, content, signed.length, body.length);
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
