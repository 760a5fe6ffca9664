package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.bench.BenchFigures.Compute;
import dev.segments.bench.BenchFigures.Incremental;
import dev.segments.bench.BenchFigures.SegmentShape;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The benchmark: fills a real PostgreSQL through SQL and the public API, then times each workload of
 * the engine in one run, so that the ratios between them are meaningful on a noisy machine.
 * Timings are measured, never asserted.
 */
final class EngineBench {

    private static final Logger LOG = Logger.getLogger(EngineBench.class);
    private static final Duration SQL_TIMEOUT = Duration.ofHours(1);

    private final Pool pool;
    private final BenchClient api;
    private final ObjectMapper json;
    private final BenchSettings settings;
    private final Path workDir;
    /** The segments created, id to rule, in creation (= dependency) order. */
    private final Map<Long, ObjectNode> segments = new LinkedHashMap<>();

    EngineBench(Pool pool, BenchClient api, ObjectMapper json, BenchSettings settings, Path workDir) {
        this.pool = pool;
        this.api = api;
        this.json = json;
        this.settings = settings;
        this.workDir = workDir;
    }

    /** Deletes what the run created (segments last-created first, then its users), for shared databases. */
    void removeData() {
        List<Long> ids = new ArrayList<>(segments.keySet());
        java.util.Collections.reverse(ids);
        ids.forEach(id -> api.delete("/api/v1/segments/" + id));
        Tuple range = Tuple.of(settings.firstUserId(), settings.lastUserId());
        for (String table : List.of("membership_event", "dirty_user", "user_attribute_snapshot")) {
            sql("DELETE FROM " + table + " WHERE user_id > $1 AND user_id <= $2", range);
        }
        sql("DROP FUNCTION IF EXISTS bench_pick(text[], float8)", Tuple.tuple());
    }

    BenchFigures run() throws Exception {
        double generate = generateUsers();
        long bytes = sql(BenchUsers.READ_ALL, Tuple.tuple()).iterator().next().getLong(0);
        double read = readAllSeconds();
        long start = System.nanoTime();
        List<Long> firstJobs = new ArrayList<>();
        SegmentShape shape = createSegments(firstJobs);
        Compute first = jobs(firstJobs, seconds(start));
        LOG.infof("first full compute: %.3f s wall, %d memberships", first.wallSeconds(), first.added());
        Compute rightAfterFirst = fullRecompute("full recompute right after the first compute");
        double vacuum = vacuumComputeWrites();
        Compute steady = fullRecompute("steady-state full recompute");
        double readAgain = readAllSeconds();
        EventLoad eventLoad = new EventLoad(api, settings);
        BenchFigures.Events events = eventLoad.run();
        Incremental drain = incremental(0);
        Incremental incremental = markOnePercentDirtyAndRun();
        Incremental afterEvents = changeOnePercentThroughEventsAndRun(eventLoad);
        Compute steadyAfter = fullRecompute("full recompute after events and incremental");
        BenchFigures.Audit audit = new MembershipAudit(pool, json, settings).check(segments);
        BenchFigures.Estimates estimates = new EstimateBench(api, json, settings).run(List.copyOf(segments.keySet()));
        explainOneSegment();
        BenchFigures.Export export = new ExportLoad(pool, api, settings).run();
        EvaluatorBenchmark.Score nanos = evaluatorBenchmark();
        return new BenchFigures(settings, BenchReport.machine(pool), generate, bytes, Math.min(read, readAgain),
                shape, first, rightAfterFirst, vacuum, steady, steadyAfter, events, drain, incremental, afterEvents, audit,
                nanos, estimates, export);
    }

    /**
     * {@code -Dbench.only=incremental}: rows #1, #3 and #3b alone, several rounds each, after
     * {@code warmups} untimed rounds of #1 and #3b (so that the JIT has compiled the pass's code paths,
     * as it has the full recompute's after one read of a million users, and compiles nothing while a
     * 150 ms pass is timed). With {@code -Dbench.data-dir} the generated users and segments are kept
     * and reused by the next run.
     */
    String runIncrementalOnly(int warmups, int rounds) {
        List<Row> existing = new ArrayList<>();
        sql("SELECT id, rules::text FROM segment WHERE name LIKE $1 ORDER BY id", Tuple.of("bench " + settings.firstUserId() + " #%"))
                .forEach(existing::add);
        if (existing.size() == settings.segments()) {
            existing.forEach(row -> segments.put(row.getLong(0), (ObjectNode) parse(row.getString(1))));
        } else {
            generateUsers();
            createSegments(new ArrayList<>());
            vacuumComputeWrites();
        }
        double read = readAllSeconds();
        EventLoad eventLoad = new EventLoad(api, settings);
        incremental(0);
        for (int warmup = 0; warmup < warmups; warmup++) {
            fullRecompute("warm-up full recompute");
            changeOnePercentThroughEventsAndRun(eventLoad, 1_000 + warmup);
        }
        StringBuilder report = new StringBuilder("| round | full recompute | read | #3 direct | ratio | #3b events | ratio "
                + "| #3c full recompute after a 1% direct change | #3c / #3 | #3b's events sent (1,000 per request) |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (int round = 0; round < rounds; round++) {
            Compute full = fullRecompute("steady-state full recompute");
            Incremental direct = markOnePercentDirtyAndRun(round);
            Incremental events = changeOnePercentThroughEventsAndRun(eventLoad, round);
            double eventsSeconds = lastIntakeSeconds;
            Compute sameWork = changeOnePercentAndRecomputeAll(round);
            report.append(String.format(java.util.Locale.ROOT, "| %d | %.3f s | %.3f s | %.3f s (+%d/-%d) | %.1fx | %.3f s | %.1fx "
                    + "| %.3f s (%d changes) | %.1fx | %.0f events/s |%n",
                    round + 1, full.wallSeconds(), read, direct.seconds(), direct.added(), direct.removed(),
                    full.wallSeconds() / direct.seconds(), events.seconds(), full.wallSeconds() / events.seconds(),
                    sameWork.wallSeconds(), sameWork.changes(), sameWork.wallSeconds() / direct.seconds(),
                    events.dirtyUsers() / eventsSeconds));
        }
        return report.append("\nusers whose segment set differs from their open memberships: ").append(segmentSetMismatches())
                .append('\n').toString();
    }

    /** Users of this run whose {@code user_segment_set} row differs from their open memberships (V13): must be 0. */
    long segmentSetMismatches() {
        return sql("""
                WITH open AS (
                    SELECT user_id, array_agg(segment_id ORDER BY segment_id) AS ids FROM segment_membership
                    WHERE removed_at IS NULL AND user_id > $1 AND user_id <= $2 GROUP BY user_id
                ), sets AS (
                    SELECT user_id, ARRAY(SELECT x FROM unnest(segment_ids) x WHERE x > 0 ORDER BY x) AS ids
                    FROM user_segment_set WHERE user_id > $1 AND user_id <= $2
                )
                SELECT count(*) FROM open o FULL JOIN sets s ON s.user_id = o.user_id
                WHERE coalesce(o.ids, '{}') IS DISTINCT FROM coalesce(s.ids, '{}')""",
                Tuple.of(settings.firstUserId(), settings.lastUserId())).iterator().next().getLong(0);
    }

    private com.fasterxml.jackson.databind.JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private double generateUsers() {
        sql(BenchUsers.CREATE_PICK, Tuple.tuple());
        List<Object> args = new ArrayList<>(List.of(settings.users(), settings.firstUserId()));
        args.addAll(Arrays.asList(BenchUsers.pools()));
        long start = System.nanoTime();
        sql(BenchUsers.INSERT, Tuple.tuple(args));
        sql("VACUUM ANALYZE user_attribute_snapshot", Tuple.tuple());
        double seconds = seconds(start);
        LOG.infof("generated %d users in %.3f s", settings.users(), seconds);
        return seconds;
    }

    /** The physical limit: one warm-up read, then the median of three timed full reads. */
    private double readAllSeconds() {
        sql(BenchUsers.READ_ALL, Tuple.tuple());
        double[] times = new double[3];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            sql(BenchUsers.READ_ALL, Tuple.tuple());
            times[i] = seconds(start);
        }
        Arrays.sort(times);
        LOG.infof("full read of the snapshot table: %.3f s", times[1]);
        return times[1];
    }

    /** Creates the segments one by one through the API, each waiting for its first full compute. */
    private SegmentShape createSegments(List<Long> jobIds) {
        BenchSegments generator = new BenchSegments(settings.seed());
        int[] conditions = new int[settings.segments()];
        int composable = 0;
        for (int i = 0; i < settings.segments(); i++) {
            List<Long> referable = i < 10 ? List.of() : List.copyOf(segments.keySet());
            conditions[i] = settings.minConditions() + new Random(settings.seed() + i)
                    .nextInt(settings.maxConditions() - settings.minConditions() + 1);
            ObjectNode rule = generator.rule(conditions[i], referable);
            ObjectNode body = json.createObjectNode().put("name", "bench " + settings.firstUserId() + " #" + (i + 1));
            body.set("rules", rule);
            JsonNode created = api.post("/api/v1/segments", body.toString(), 201);
            composable += created.path("is_composable").asBoolean() ? 1 : 0;
            long jobId = created.path("job_id").asLong();
            api.awaitJobs(List.of(jobId));
            jobIds.add(jobId);
            segments.put(created.path("id").asLong(), rule);
        }
        return new SegmentShape(settings.segments(), Arrays.stream(conditions).min().orElse(0),
                Arrays.stream(conditions).max().orElse(0), Arrays.stream(conditions).average().orElse(0), composable);
    }

    /**
     * What autovacuum would soon do after the first compute's millions of inserts, done now so that
     * the steady state is measured without it competing for the two cores; timed and reported.
     */
    private double vacuumComputeWrites() {
        long start = System.nanoTime();
        for (String table : List.of("segment_membership", "membership_event", "segment_member_stats")) {
            sql("VACUUM (ANALYZE) " + table, Tuple.tuple());
        }
        double seconds = seconds(start);
        LOG.infof("vacuumed the first compute's writes in %.3f s", seconds);
        return seconds;
    }

    private Compute fullRecompute(String name) {
        long start = System.nanoTime();
        JsonNode accepted = api.post("/api/v1/compute/full", "", 202);
        List<Long> jobIds = new ArrayList<>();
        accepted.path("job_ids").forEach(id -> jobIds.add(id.asLong()));
        api.awaitJobs(jobIds);
        Compute compute = jobs(jobIds, seconds(start));
        LOG.infof("%s: %.3f s wall, %d changes", name, compute.wallSeconds(), compute.changes());
        return compute;
    }

    private Incremental incremental(long dirty) {
        long start = System.nanoTime();
        JsonNode result = api.post("/api/v1/compute/incremental", "", 200);
        return new Incremental(dirty, seconds(start), result.path("users").asLong(), result.path("added").asLong(),
                result.path("removed").asLong());
    }

    /** Changes attributes of a random 1% of the users in the snapshot table, flags them, and runs the pass. */
    private Incremental markOnePercentDirtyAndRun() {
        return markOnePercentDirtyAndRun(0);
    }

    private Incremental markOnePercentDirtyAndRun(int round) {
        Long[] ids = randomOnePercent((settings.seed() ^ 0x5EED) + round);
        sql(BenchUsers.CHANGE_AND_MARK_DIRTY, Tuple.of(ids, BenchUsers.TIERS));
        Incremental result = incremental(ids.length);
        LOG.infof("incremental pass over %d dirty users: %.3f s", ids.length, result.seconds());
        return result;
    }

    /**
     * #3c, the same work as #3 done the other way: changes another random 1% of the users exactly as
     * #3 does, then times a full recompute of every segment, which finds and writes those changes. The
     * pass that follows (untimed) finds nothing left to change and clears the flags.
     */
    private Compute changeOnePercentAndRecomputeAll(int round) {
        Long[] ids = randomOnePercent((settings.seed() ^ 0xC0FFEE) + round);
        sql(BenchUsers.CHANGE_AND_MARK_DIRTY, Tuple.of(ids, BenchUsers.TIERS));
        Compute full = fullRecompute("full recompute after a 1% direct change");
        Incremental after = incremental(ids.length);
        if (after.added() + after.removed() != 0) {
            throw new IllegalStateException("the pass after the full recompute still changed memberships: " + after);
        }
        return full;
    }

    /**
     * Changes 1% of the users through the events API (the path nearly every dirty flag comes from: the
     * memberships are already current, the pass re-checks every segment) and runs the pass.
     */
    /** How long the events of the last {@link #changeOnePercentThroughEventsAndRun} took to send. */
    private double lastIntakeSeconds;

    private Incremental changeOnePercentThroughEventsAndRun(EventLoad events) {
        return changeOnePercentThroughEventsAndRun(events, 0);
    }

    private Incremental changeOnePercentThroughEventsAndRun(EventLoad events, int round) {
        Long[] ids = randomOnePercent((settings.seed() ^ 0xE7E7) + round);
        long start = System.nanoTime();
        events.changeThroughEvents(ids);
        lastIntakeSeconds = seconds(start);
        LOG.infof("%d events, 1,000 per request, one request at a time: %.3f s", ids.length, lastIntakeSeconds);
        Incremental result = incremental(ids.length);
        LOG.infof("incremental pass over %d users dirtied by events: %.3f s", ids.length, result.seconds());
        return result;
    }

    private Long[] randomOnePercent(long seed) {
        Random random = new Random(seed);
        return random.longs(settings.firstUserId() + 1, settings.lastUserId() + 1).distinct()
                .limit(settings.users() / 100).sorted().boxed().toArray(Long[]::new);
    }

    /** The figures of these jobs, counting only this run's segments (a shared database may hold others). */
    private Compute jobs(List<Long> jobIds, double wallSeconds) {
        Row row = sql("""
                SELECT count(*), COALESCE(sum(extract(epoch FROM completed_at - started_at)), 0)::float8,
                       COALESCE(sum(added_count), 0)::bigint, COALESCE(sum(removed_count), 0)::bigint,
                       COALESCE(sum(member_count), 0)::bigint, count(*) FILTER (WHERE status <> 'completed')
                FROM segment_compute_job WHERE id = ANY($1::bigint[]) AND segment_id = ANY($2::bigint[])""",
                Tuple.of(jobIds.toArray(Long[]::new), segments.keySet().toArray(Long[]::new)))
                .iterator().next();
        return new Compute(row.getInteger(0), wallSeconds, row.getDouble(1), row.getLong(2), row.getLong(3),
                row.getLong(4), row.getInteger(5));
    }

    /** Writes EXPLAIN (ANALYZE, BUFFERS) of the widest non-composable segment's full-compute statement (rolled back). */
    private void explainOneSegment() throws Exception {
        Map.Entry<Long, ObjectNode> widest = segments.entrySet().stream()
                .filter(segment -> !segment.getValue().toString().contains("\"segment\""))
                .max((a, b) -> Integer.compare(a.getValue().toString().length(), b.getValue().toString().length()))
                .orElseThrow();
        String plan = MembershipDiffPlan.explain(pool, widest.getKey(), widest.getValue());
        Files.writeString(workDir.resolve("benchmark-explain.txt"), "segment " + widest.getKey() + ": "
                + widest.getValue() + "\n\n" + plan);
    }

    private EvaluatorBenchmark.Score evaluatorBenchmark() throws Exception {
        Path users = workDir.resolve("bench-jmh-users.ndjson");
        Path rule = workDir.resolve("bench-jmh-rule.json");
        String documents = sql("SELECT attributes::text FROM user_attribute_snapshot WHERE user_id > $1 ORDER BY user_id LIMIT $2",
                Tuple.of(settings.firstUserId(), EvaluatorBenchmark.USERS)).stream()
                .map(r -> r.getString(0)).collect(Collectors.joining("\n"));
        Files.writeString(users, documents);
        Files.writeString(rule, new BenchSegments(settings.seed() + 10).rule(10, List.of()).toString());
        return EvaluatorBenchmark.run(users, rule, settings.jmhIterations());
    }

    private RowSet<Row> sql(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).await().atMost(SQL_TIMEOUT);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
