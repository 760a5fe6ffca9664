package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.sqlclient.Pool;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * {@code -Dbench.only=intake}: the event intake rows, each against a baseline of the same run. #4b
 * single events one at a time (the latency floor); #4c single events at a steady rate
 * ({@code -Dbench.intake-rate}, default 500/s, for {@code -Dbench.intake-seconds}, default 20) from
 * {@code -Dbench.intake-clients} (default 8) keep-alive clients on an open-loop schedule
 * ({@link OpenLoopLoad}); #4a batches of {@code bench.events-per-request} from {@code bench.event-clients}
 * clients, with numeric ids, with string ids ({@code "user_<n>"}, users imported under those ids by
 * {@link ImportBench}), and spread over two instances on the same database ({@link SecondInstance},
 * needs the packaged jar), with #4a on one instance measured before and after as the baseline.
 */
final class IntakeBench {

    private static final Logger LOG = Logger.getLogger(IntakeBench.class);

    private final Pool pool;
    private final URI base;
    private final ObjectMapper json;
    private final BenchSettings settings;
    private final ImportBench imports;

    IntakeBench(Pool pool, URI base, ObjectMapper json, BenchSettings settings, ImportBench imports) {
        this.pool = pool;
        this.base = base;
        this.json = json;
        this.settings = settings;
        this.imports = imports;
    }

    String run(String command) throws Exception {
        ImportBench.ensureUsers(pool, settings);
        boolean strings = imports.ensureStringUsers();
        BenchClient api = new BenchClient(base, json);
        EventBodies numeric = new EventBodies(settings, false, settings.seed() ^ 0x4A);
        // warm-up, not timed: the JIT compiles the intake path before anything is measured
        batches(List.of(api), numeric.perClient(settings.eventClients(), 20, settings.eventsPerRequest()));
        for (int i = 0; i < 500; i++) {
            api.post("/api/v1/events", numeric.batch(1, 0, 1), 200);
        }
        double[] oneAtATime = oneAtATime(api, numeric);
        int rate = Integer.getInteger("bench.intake-rate", 500);
        int seconds = Integer.getInteger("bench.intake-seconds", 20);
        int clients = Integer.getInteger("bench.intake-clients", 8);
        List<String> singles = new ArrayList<>();
        for (int i = 0; i < rate * seconds; i++) {
            singles.add(numeric.batch(1, i % clients, clients));
        }
        double[] groupsBefore = groupCommits(api);
        OpenLoopLoad.Result steady = OpenLoopLoad.run(base, singles, rate, clients);
        double[] groupsAfter = groupCommits(api);
        double perTransaction = (groupsAfter[1] - groupsBefore[1]) / Math.max(1, groupsAfter[0] - groupsBefore[0]);
        LOG.infof("open loop: %d requests at %d/s: p50 %.2f ms, p99 %.2f ms, max %.1f ms, %.0f/s achieved, %d failed, %.1f requests per transaction",
                singles.size(), rate, steady.percentile(0.5), steady.percentile(0.99), steady.max(), steady.achievedRate(), steady.failures(),
                perTransaction);
        // the same load on a second instance whose intake commits each request alone: the same-run baseline of group commit
        OpenLoopLoad.Result alone = null;
        if (SecondInstance.available()) {
            try (SecondInstance ungrouped = SecondInstance.start(Map.of("SEGMENTS_INTAKE_GROUP_EVENTS", "1",
                    "SEGMENTS_INTAKE_CONCURRENT_GROUPS", "20"))) {
                BenchClient other = new BenchClient(ungrouped.base(), json);
                EventBodies others = new EventBodies(settings, false, settings.seed() ^ 0x6B);
                for (int i = 0; i < 500; i++) {
                    other.post("/api/v1/events", others.batch(1, 0, 1), 200);
                }
                List<String> otherSingles = new ArrayList<>();
                for (int i = 0; i < rate * seconds; i++) {
                    otherSingles.add(others.batch(1, i % clients, clients));
                }
                alone = OpenLoopLoad.run(ungrouped.base(), otherSingles, rate, clients);
            }
        }

        int requests = settings.eventRequests();
        int size = settings.eventsPerRequest();
        int batchClients = settings.eventClients();
        IntakeProfile profile = IntakeProfile.enabled() ? new IntakeProfile(pool) : null;
        if (profile != null) {
            profile.start();
        }
        double oneBefore = batches(List.of(api), numeric.perClient(batchClients, requests, size));
        if (profile != null) {
            String where = profile.stop(requests);
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "benchmark-intake-profile.md"), where);
            LOG.info("where #4a's time goes:\n" + where);
        }
        String stringRow;
        if (strings) {
            try {
                double byString = batches(List.of(api), new EventBodies(settings, true, settings.seed() ^ 0x5A)
                        .perClient(batchClients, requests, size));
                stringRow = String.format(Locale.ROOT, "%,.0f events/s | %.2f× the numeric ids' rate |", byString, byString / oneBefore);
            } catch (IllegalStateException e) {
                stringRow = "refused: " + firstLine(e.getMessage()).replace("|", "/") + " | |";
            }
        } else {
            stringRow = "not measured: the import refused string ids | |";
        }
        String twoRows;
        if (SecondInstance.available()) {
            try (SecondInstance second = SecondInstance.start()) {
                BenchClient other = new BenchClient(second.base(), json);
                batches(List.of(other), numeric.perClient(batchClients, 20, size)); // the second JVM's warm-up
                double twoSame = batches(List.of(api, other), numeric.perClient(batchClients, requests, size));
                double twoDouble = batches(List.of(api, other), numeric.perClient(2 * batchClients, 2 * requests, size));
                double oneAfter = batches(List.of(api), numeric.perClient(batchClients, requests, size));
                double one = Math.max(oneBefore, oneAfter);
                twoRows = String.format(Locale.ROOT, "| 4d | Two instances on the same database, the same %d clients split between them | %,.0f events/s | %.2f× one instance |  |%n"
                        + "| 4d | Two instances, %d clients each | %,.0f events/s | %.2f× one instance |  |%n"
                        + "|  | One instance again, after the two-instance runs | %,.0f events/s |  |  |%n",
                        batchClients, twoSame, twoSame / one, batchClients, twoDouble, twoDouble / one, oneAfter);
            }
        } else {
            twoRows = "| 4d | Two instances | not measured: no target/quarkus-app/quarkus-run.jar (run ./mvnw package -DskipTests first) | |  |\n";
        }
        StringBuilder out = new StringBuilder("## Intake benchmark\n\nCommand: `" + command + "`\n\n");
        out.append("| # | Measure | Result | Ratio | Target |\n|---|---|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| 4b | Single-event `POST /api/v1/events`, one at a time (%d timed, same-run baseline of #4c) | p50 %.2f ms, p99 %.2f ms, max %.1f ms | 1× |  |%n",
                oneAtATime.length, pct(oneAtATime, 0.5), pct(oneAtATime, 0.99), oneAtATime[oneAtATime.length - 1]));
        out.append(String.format(Locale.ROOT, "| 4c | Single-event requests at a steady %d/s for %d s from %d keep-alive clients (open loop: latency from the due time, queueing included) "
                        + "| p50 %.2f ms, p99 %.2f ms, max %.1f ms; %.0f requests/s achieved, %d failed | p99 %.1f× the one-at-a-time p99 | p99 ≤ 20 ms — %s |%n",
                rate, seconds, clients, steady.percentile(0.5), steady.percentile(0.99), steady.max(), steady.achievedRate(), steady.failures(),
                steady.percentile(0.99) / pct(oneAtATime, 0.99), steady.percentile(0.99) <= 20 ? "met" : "**missed**"));
        out.append(String.format(Locale.ROOT, "|  | … of which requests per intake transaction (group commit) | %.1f |  |  |%n", perTransaction));
        out.append(String.format(Locale.ROOT, "|  | … the requests due after the first quarter of the run (start-up queueing left out) | p50 %.2f ms, p99 %.2f ms |  |  |%n",
                steady.settledPercentile(0.5), steady.settledPercentile(0.99)));
        if (alone != null) {
            out.append(String.format(Locale.ROOT, "| 4c | The same load on a second instance that commits each request alone (`segments.intake.group-events=1`) "
                            + "| p50 %.2f ms, p99 %.2f ms, max %.1f ms; %.0f requests/s achieved, %d failed | group commit's p99 %.2f× this |  |%n",
                    alone.percentile(0.5), alone.percentile(0.99), alone.max(), alone.achievedRate(), alone.failures(),
                    steady.percentile(0.99) / alone.percentile(0.99)));
        }
        out.append(String.format(Locale.ROOT, "| 4a | Batches: %,d events, %d per request, %d clients, one instance, numeric ids | %,.0f events/s | 1× | ≥ 10,000 events/s — %s |%n",
                (long) requests * size, size, batchClients, oneBefore, oneBefore >= 10_000 ? "met" : "**missed**"));
        out.append("| 4a | The same with string ids (`\"user_<n>\"`) | ").append(stringRow).append("  |\n");
        out.append(twoRows);
        return out.toString();
    }

    /** {transactions, requests} counted so far by the intake's group-commit metric. */
    private static double[] groupCommits(BenchClient api) {
        double[] found = new double[2];
        for (String line : api.text("/q/metrics").split("\n")) {
            if (line.startsWith("segments_intake_group_requests_count")) {
                found[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("segments_intake_group_requests_sum")) {
                found[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return found;
    }

    /** Events per second of these bodies, each client's list posted in order, client i to target i mod n. */
    private double batches(List<BenchClient> targets, List<List<String>> bodies) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(bodies.size());
        long events = 0;
        for (List<String> own : bodies) {
            for (String body : own) {
                events += json.readTree(body).size();
            }
        }
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < bodies.size(); c++) {
                BenchClient target = targets.get(c % targets.size());
                List<String> own = bodies.get(c);
                running.add(executor.submit(() -> own.forEach(body -> target.post("/api/v1/events", body, 200))));
            }
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            executor.shutdown();
        }
        double rate = events / ((System.nanoTime() - start) / 1e9);
        LOG.infof("%,d events from %d clients to %d instance(s): %,.0f events/s", events, bodies.size(), targets.size(), rate);
        return rate;
    }

    private double[] oneAtATime(BenchClient api, EventBodies bodies) {
        double[] millis = new double[settings.latencyRequests()];
        for (int i = 0; i < millis.length; i++) {
            String body = bodies.batch(1, 0, 1);
            long start = System.nanoTime();
            JsonNode ignored = api.post("/api/v1/events", body, 200);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }
}
