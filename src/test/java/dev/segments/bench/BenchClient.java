package dev.segments.bench;

import dev.segments.testing.TestAuth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The benchmark's HTTP client: plain JDK HttpClient (HTTP/1.1), so client overhead stays small. */
final class BenchClient {

    private static final Duration JOB_TIMEOUT = Duration.ofHours(2);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private final ObjectMapper json;

    BenchClient(URI base, ObjectMapper json) {
        this.base = base;
        this.json = json;
    }

    JsonNode post(String path, String body, int expectedStatus) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", TestAuth.header()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request, expectedStatus);
    }

    /** Streams a file as the body of a POST (large NDJSON imports). */
    JsonNode postFile(String path, java.nio.file.Path file, String contentType) {
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", TestAuth.header())
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofFile(file)).build();
            return send(request, 200);
        } catch (java.io.FileNotFoundException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", TestAuth.header()).GET().build(), 200);
    }

    /** A GET answered as text (e.g. {@code /q/metrics}). */
    String text(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", TestAuth.header()).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void delete(String path) {
        send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", TestAuth.header()).DELETE().build(), 204);
    }

    /** Polls {@code GET /api/v1/jobs/{id}} until each job is no longer running; jobs run in order. */
    void awaitJobs(List<Long> jobIds) {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        for (long id : jobIds) {
            while (true) {
                String status = get("/api/v1/jobs/" + id).path("status").asText();
                if (!"running".equals(status)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("job " + id + " still running after " + JOB_TIMEOUT);
                }
                sleep(20);
            }
        }
    }

    private JsonNode send(HttpRequest request, int expectedStatus) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
