package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * {@code -Dbench.only=estimate}: the estimate rows of the benchmark alone, with what they need
 * (the users, the segments that composable rules reference), plus the cost of keeping the stored
 * estimate sample (V9) on event intake: the event load runs alternately with the sample's triggers
 * enabled and disabled in the same run (the sample is rebuilt after each disabled round), and the
 * medians of each are compared. Writes {@code target/benchmark-estimate.md}.
 */
final class EstimateOnlyBench {

    private static final Logger LOG = Logger.getLogger(EstimateOnlyBench.class);
    private static final Duration SQL_TIMEOUT = Duration.ofHours(1);
    private static final String[] SAMPLE_TRIGGERS = {"estimate_sample_insert", "estimate_sample_update"};

    private final Pool pool;
    private final BenchClient api;
    private final ObjectMapper json;
    private final BenchSettings settings;
    /** {@code -Dbench.estimate-event-rounds}: event loads timed with and without the sample triggers, each. */
    private final int eventRounds = Integer.getInteger("bench.estimate-event-rounds", 2);

    EstimateOnlyBench(Pool pool, BenchClient api, ObjectMapper json, BenchSettings settings) {
        this.pool = pool;
        this.api = api;
        this.json = json;
        this.settings = settings;
    }

    String run(String command) throws Exception {
        double generate = generateUsers();
        List<Long> segments = createSegments();
        double[][] statements = saveStatementWithAndWithoutTriggers();
        double[][] events = eventsWithAndWithoutTriggers();
        long differences = sampleDifferences();
        BenchFigures.Estimates e = new EstimateBench(api, json, settings).run(segments);
        BenchFigures.Machine machine = BenchReport.machine(pool);
        long stored = sql("SELECT count(*) FROM estimate_sample", Tuple.tuple()).iterator().next().getLong(0);
        StringBuilder md = new StringBuilder();
        md.append("## Estimate benchmark (").append(command).append(")\n\n");
        md.append(fmt("Machine: %d cores; PostgreSQL %s; shared_buffers %s. %,d users generated in %.1f s "
                + "(snapshot table %s; stored estimate sample %,d rows), %d segments created.%n%n", machine.cores(),
                machine.postgres(), machine.sharedBuffers(), settings.users(), generate, machine.tableSize(), stored,
                segments.size()));
        md.append("| # | Measure | Result | Ratio | Target |\n|---|---|---|---|---|\n");
        double with = median(events[0]);
        double without = median(events[1]);
        md.append(fmt("| 4a | Events through `POST /api/v1/events` (%,d events, %d per request, %d clients), stored-sample "
                + "triggers on vs off, %d alternating rounds each (per-round events/s: on %s, off %s) | %,.0f events/s on, "
                + "%,.0f off (medians) | %.2f× | no noticeable drop |%n", settings.eventRequests() * settings.eventsPerRequest(),
                settings.eventsPerRequest(), settings.eventClients(), eventRounds, list(events[0]), list(events[1]), with,
                without, with / without));
        md.append(fmt("| 4c | The event path's snapshot save statement alone (`UPDATE … FROM unnest(…)` of %d random users), "
                + "stored-sample triggers on vs off, %d alternating repetitions each | %.2f ms on, %.2f ms off (medians) "
                + "| +%.2f ms per statement (%.1f%%) | |%n", SAVE_USERS, statements[0].length, median(statements[0]),
                median(statements[1]), median(statements[0]) - median(statements[1]),
                100 * (median(statements[0]) / median(statements[1]) - 1)));
        md.append(fmt("| | Check: stored sample vs its definition after the event rounds | %d rows differ | | 0 |%n",
                differences));
        md.append(fmt("| 6a | Size estimate, %s%% sample, vs exact count of the same rule (median of %d random rules, the "
                + "answers' own `elapsed_ms`) | %.1f ms sampled / %.1f ms exact | %.1f× faster | ≥ 20× and ≤ 100 ms — %s |%n",
                e.percent(), e.timedRules(), e.sampleMillis(), e.exactMillis(), e.speedup(),
                e.speedup() >= 20 && e.sampleMillis() <= 100 ? "met" : "**missed**"));
        md.append(fmt("| 6b | Estimate accuracy: %d random rules (some composable), %s%% sample each, exact size inside the "
                + "reported 95%% interval | %d of %d = %.1f%% (mean interval width %.2f%% of the population) | | ≥ 93%% — %s |%n",
                e.accuracyRules(), e.percent(), e.covered(), e.accuracyRules(), 100.0 * e.covered() / e.accuracyRules(),
                100 * e.meanWidthShare(), e.covered() >= Math.ceil(0.93 * e.accuracyRules()) ? "met" : "**missed**"));
        return md.toString();
    }

    private double generateUsers() {
        sql(BenchUsers.CREATE_PICK, Tuple.tuple());
        List<Object> args = new ArrayList<>(List.of(settings.users(), settings.firstUserId()));
        args.addAll(Arrays.asList(BenchUsers.pools()));
        long start = System.nanoTime();
        sql(BenchUsers.INSERT, Tuple.tuple(args));
        sql("VACUUM ANALYZE user_attribute_snapshot", Tuple.tuple());
        sql("VACUUM ANALYZE estimate_sample", Tuple.tuple());
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.infof("generated %d users in %.3f s", settings.users(), seconds);
        return seconds;
    }

    /** The benchmark's segments, as in the full run (the first 10 plain, later ones may reference earlier ones). */
    private List<Long> createSegments() {
        BenchSegments generator = new BenchSegments(settings.seed());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < settings.segments(); i++) {
            List<Long> referable = i < 10 ? List.of() : List.copyOf(ids);
            int conditions = settings.minConditions() + new java.util.Random(settings.seed() + i)
                    .nextInt(settings.maxConditions() - settings.minConditions() + 1);
            ObjectNode rule = generator.rule(conditions, referable);
            ObjectNode body = json.createObjectNode().put("name", "estbench " + settings.firstUserId() + " #" + (i + 1));
            body.set("rules", rule);
            JsonNode created = api.post("/api/v1/segments", body.toString(), 201);
            api.awaitJobs(List.of(created.path("job_id").asLong()));
            ids.add(created.path("id").asLong());
        }
        LOG.infof("created %d segments", ids.size());
        return ids;
    }

    private static final int SAVE_USERS = 1000;

    /**
     * Milliseconds of the event path's save statement ({@code SnapshotStore.save}: one UPDATE of 1,000
     * users' attributes) with [0] and without [1] the sample triggers, alternating; every statement
     * fires the other snapshot triggers too, so the difference is the sample triggers' cost.
     */
    private double[][] saveStatementWithAndWithoutTriggers() {
        int repetitions = Integer.getInteger("bench.estimate-save-repetitions", 15);
        double[][] millis = new double[2][repetitions];
        java.util.Random random = new java.util.Random(settings.seed() ^ 0x5A5E);
        for (int r = 0; r < repetitions; r++) {
            for (int step = 0; step < 2; step++) {
                int off = r % 2 == 0 ? step : 1 - step;
                setTriggers(off == 0);
                Long[] ids = random.longs(settings.firstUserId() + 1, settings.lastUserId() + 1).distinct()
                        .limit(SAVE_USERS).sorted().boxed().toArray(Long[]::new);
                String[] attributes = new String[ids.length];
                String[] times = new String[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    attributes[i] = "{\"sessions_30d\": " + random.nextInt(90) + ", \"account_tier\": \""
                            + BenchUsers.TIERS[random.nextInt(BenchUsers.TIERS.length)] + "\"}";
                    times[i] = "{}";
                }
                long start = System.nanoTime();
                sql("""
                        UPDATE user_attribute_snapshot s
                        SET attributes = s.attributes || x.a::jsonb, attribute_times = x.t::jsonb, updated_at = now()
                        FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(u, a, t)
                        WHERE s.user_id = x.u""", Tuple.of(ids, attributes, times));
                millis[off][r] = (System.nanoTime() - start) / 1e6;
            }
        }
        setTriggers(true);
        rebuildSample();
        LOG.infof("save statement: %.2f ms with the sample triggers, %.2f ms without (medians)", median(millis[0]),
                median(millis[1]));
        return millis;
    }

    /**
     * events/s per round: [0] with the sample triggers, [1] without; the order alternates by round
     * (on-off, off-on, ...), so that a machine that speeds up or slows down during the run favours neither.
     */
    private double[][] eventsWithAndWithoutTriggers() throws Exception {
        double[][] perSecond = new double[2][eventRounds];
        for (int round = 0; round < eventRounds; round++) {
            for (int step = 0; step < 2; step++) {
                int off = round % 2 == 0 ? step : 1 - step; // on-off, off-on, ...: a drift favours neither
                setTriggers(off == 0);
                BenchSettings seeded = new BenchSettings(settings.users(), settings.segments(), settings.minConditions(),
                        settings.maxConditions(), settings.eventClients(), settings.eventsPerRequest(),
                        settings.eventRequests(), settings.latencyRequests(), settings.auditUsers(),
                        settings.jmhIterations(), settings.seed() + 1000L * round + off, settings.firstUserId());
                BenchFigures.Events events = new EventLoad(api, seeded).run();
                perSecond[off][round] = events.perSecond();
                LOG.infof("events round %d, sample triggers %s: %.0f events/s", round, off == 0 ? "on" : "off",
                        events.perSecond());
                if (off == 1) {
                    setTriggers(true);
                    rebuildSample();
                }
                sql("VACUUM ANALYZE user_attribute_snapshot", Tuple.tuple());
                api.post("/api/v1/compute/incremental", "", 200); // drain the dirty users between rounds
            }
        }
        return perSecond;
    }

    private void setTriggers(boolean enabled) {
        for (String trigger : SAMPLE_TRIGGERS) {
            sql("ALTER TABLE user_attribute_snapshot " + (enabled ? "ENABLE" : "DISABLE") + " TRIGGER " + trigger,
                    Tuple.tuple());
        }
    }

    /** What a disabled round left stale, made equal to the definition again. */
    private void rebuildSample() {
        sql("""
                INSERT INTO estimate_sample (user_id, bucket, attributes)
                SELECT user_id, estimate_bucket(user_id), attributes FROM user_attribute_snapshot
                WHERE estimate_bucket(user_id) < estimate_sample_buckets()
                ON CONFLICT (user_id) DO UPDATE SET bucket = excluded.bucket, attributes = excluded.attributes
                    WHERE estimate_sample.attributes IS DISTINCT FROM excluded.attributes""", Tuple.tuple());
        sql("""
                DELETE FROM estimate_sample e
                WHERE NOT EXISTS (SELECT 1 FROM user_attribute_snapshot s WHERE s.user_id = e.user_id)""", Tuple.tuple());
        sql("VACUUM ANALYZE estimate_sample", Tuple.tuple());
    }

    private long sampleDifferences() {
        return sql("""
                SELECT count(*) FROM (
                    (SELECT user_id, bucket, attributes FROM estimate_sample
                     EXCEPT ALL SELECT user_id, estimate_bucket(user_id), attributes FROM user_attribute_snapshot
                     WHERE estimate_bucket(user_id) < estimate_sample_buckets())
                    UNION ALL
                    (SELECT user_id, estimate_bucket(user_id), attributes FROM user_attribute_snapshot
                     WHERE estimate_bucket(user_id) < estimate_sample_buckets()
                     EXCEPT ALL SELECT user_id, bucket, attributes FROM estimate_sample)) d""", Tuple.tuple())
                .iterator().next().getLong(0);
    }

    private RowSet<Row> sql(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).await().atMost(SQL_TIMEOUT);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String list(double[] values) {
        return String.join(", ", Arrays.stream(values).mapToObj(v -> fmt("%,.0f", v)).toList());
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
