package dev.segments.bench;

import dev.segments.testing.TestAuth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Single-event requests on an open-loop schedule: request i is due at {@code start + i / rate}, whatever
 * happened to the ones before, and its latency is counted from that due time, so a request that waits
 * for a busy client (queueing) counts its wait (no coordinated omission). Requests go round-robin to
 * {@code clients} clients, each with its own keep-alive HTTP/1.1 connection, sending its requests in
 * order. Bodies are built before the clock starts.
 */
final class OpenLoopLoad {

    /** Latencies (ms, sorted), how many requests failed, and the rate achieved (completed per second). */
    record Result(double[] millis, int failures, double achievedRate, double seconds, double[] settled) {

        double percentile(double p) {
            return percentile(millis, p);
        }

        /** A percentile of the requests due after the first quarter of the run (start-up queueing left out). */
        double settledPercentile(double p) {
            return percentile(settled, p);
        }

        private static double percentile(double[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
        }

        double max() {
            return millis[millis.length - 1];
        }
    }

    private OpenLoopLoad() {
    }

    static Result run(URI base, List<String> bodies, double rate, int clients) throws Exception {
        int n = bodies.size();
        long intervalNanos = (long) (1e9 / rate);
        double[] millis = new double[n];
        AtomicInteger failures = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime() + 200_000_000L; // every client ready before the first is due
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(executor.submit(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    for (int i = client; i < n; i += clients) {
                        long due = start + i * intervalNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/events"))
                                .header("Authorization", TestAuth.header()).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build();
                        try {
                            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() != 200) {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                        millis[i] = (System.nanoTime() - due) / 1e6;
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            executor.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] afterFirstQuarter = Arrays.copyOfRange(millis, n / 4, n); // requests due after the first quarter of the run
        Arrays.sort(afterFirstQuarter);
        Arrays.sort(millis);
        return new Result(millis, failures.get(), n / seconds, seconds, afterFirstQuarter);
    }
}
