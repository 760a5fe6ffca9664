package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Exports a segment holding every generated user to CSV in directory destinations through the API,
 * in both modes: to one destination in {@code full} mode and to another in {@code diff} mode, each
 * first (the destination's baseline is written too), again with nothing changed, and after 1% of the
 * members changed (0.5% left, as many new users joined). Times are from the request to the completed
 * job, seen by polling every 5 ms. The same-run baseline is a plain {@code COPY (SELECT user_id …
 * ORDER BY user_id) TO STDOUT} of the same members through the JDBC driver, drained without writing
 * (median of 3): the least any export of them has to do. Then {@link ExportMemory} measures the heap
 * the exports hold at a tenth of the members and at all of them.
 */
final class ExportLoad {

    private static final Logger LOG = Logger.getLogger(ExportLoad.class);

    private final Pool pool;
    private final BenchClient api;
    private final BenchSettings settings;

    ExportLoad(Pool pool, BenchClient api, BenchSettings settings) {
        this.pool = pool;
        this.api = api;
        this.settings = settings;
    }

    BenchFigures.Export run() throws Exception {
        String tag = "bench " + settings.firstUserId() + " export";
        JsonNode segment = api.post("/api/v1/segments", "{\"name\": \"" + tag + "\", \"rules\": "
                + "{\"attribute\": \"bench_export_none\", \"op\": \"eq\", \"value\": 1}}", 201);
        long segmentId = segment.path("id").asLong();
        api.awaitJobs(List.of(segment.path("job_id").asLong()));
        // every generated user is a member (written directly: this measures the export, not a compute)
        sql("INSERT INTO segment_membership (segment_id, user_id) SELECT $1, g FROM generate_series($2::bigint, $3::bigint) g",
                Tuple.of(segmentId, settings.firstUserId() + 1, settings.lastUserId()));
        sql("VACUUM ANALYZE segment_membership", Tuple.tuple());
        Path root = Path.of(ConfigProvider.getConfig().getValue("segments.exports.root", String.class)).toAbsolutePath().normalize();
        Path fullDir = root.resolve("bench-" + settings.firstUserId() + "-full");
        Path diffDir = root.resolve("bench-" + settings.firstUserId() + "-diff");
        long full = destination(tag + " full", fullDir);
        long diff = destination(tag + " diff", diffDir);
        try {
            double copyBefore = plainCopySeconds(segmentId);
            Timed fullFirst = export(segmentId, full, "full");
            Timed fullAgain = export(segmentId, full, "full");
            Timed diffFirst = export(segmentId, diff, "diff");
            Timed diffAgain = export(segmentId, diff, "diff");
            // 1% of the members change: every 200th leaves, as many new users join
            int moved = settings.users() / 200;
            sql("UPDATE segment_membership SET removed_at = now() WHERE segment_id = $1 AND user_id % 200 = 0",
                    Tuple.of(segmentId));
            sql("INSERT INTO segment_membership (segment_id, user_id) SELECT $1, g FROM generate_series($2::bigint, $3::bigint) g",
                    Tuple.of(segmentId, settings.lastUserId() + 1, settings.lastUserId() + moved));
            sql("VACUUM ANALYZE segment_membership", Tuple.tuple());
            Timed diffChanged = export(segmentId, diff, "diff");
            Timed fullChanged = export(segmentId, full, "full");
            double copyAfter = plainCopySeconds(segmentId);
            BenchFigures.ExportHeap heap = new ExportMemory(pool, api, settings, this).run(segmentId, root, tag);
            long bytes = Files.size(fullDir.resolve(fullAgain.file()));
            BenchFigures.Export figures = new BenchFigures.Export(fullAgain.lines(), Math.min(copyBefore, copyAfter),
                    fullFirst.seconds(), fullAgain.seconds(), fullChanged.seconds(), diffFirst.seconds(),
                    diffAgain.seconds(), diffChanged.seconds(), bytes, diffFirst.lines(), diffAgain.lines(),
                    diffChanged.lines(), diffChanged.entered(), diffChanged.left(), heap);
            LOG.infof("export of %,d members to CSV: plain COPY %.3f s; full %.3f / %.3f / %.3f s; diff %.3f / %.3f / %.3f s",
                    figures.members(), figures.copySeconds(), fullFirst.seconds(), fullAgain.seconds(), fullChanged.seconds(),
                    diffFirst.seconds(), diffAgain.seconds(), diffChanged.seconds());
            return figures;
        } finally {
            api.delete("/api/v1/destinations/" + full);
            api.delete("/api/v1/destinations/" + diff);
            api.delete("/api/v1/segments/" + segmentId);
            deleteDirectory(fullDir);
            deleteDirectory(diffDir);
        }
    }

    static void deleteDirectory(Path dir) throws java.io.IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    long destination(String name, Path dir) {
        return api.post("/api/v1/destinations", "{\"name\": \"" + name + "\", \"type\": \"directory\", \"path\": \""
                + dir + "\"}", 201).path("id").asLong();
    }

    /** The least an export of these members does: read them in order with COPY, drained (median of 3). */
    private double plainCopySeconds(long segmentId) throws Exception {
        AgroalDataSource dataSource = Arc.container().instance(AgroalDataSource.class).get();
        String sql = "COPY (SELECT user_id FROM segment_membership WHERE segment_id = " + segmentId
                + " AND removed_at IS NULL ORDER BY user_id) TO STDOUT";
        double[] times = new double[3];
        try (Connection conn = dataSource.getConnection()) {
            for (int i = 0; i < times.length; i++) {
                long start = System.nanoTime();
                conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, OutputStream.nullOutputStream());
                times[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        Arrays.sort(times);
        return times[1];
    }

    Timed export(long segmentId, long destination, String mode) {
        long start = System.nanoTime();
        long id = api.post("/api/v1/segments/" + segmentId + "/exports",
                "{\"destination_id\": " + destination + ", \"format\": \"csv\", \"mode\": \"" + mode + "\"}", 202)
                .path("id").asLong();
        while (true) {
            JsonNode job = api.get("/api/v1/exports/" + id);
            String status = job.path("status").asText();
            if ("completed".equals(status)) {
                Timed timed = new Timed((System.nanoTime() - start) / 1e9, job.path("total_count").asLong(),
                        job.path("entered_count").asLong(), job.path("left_count").asLong(), job.path("file_name").asText());
                LOG.infof("export %d (%s): %,d lines (+%,d / -%,d) in %.3f s", id, mode, timed.lines(), timed.entered(),
                        timed.left(), timed.seconds());
                return timed;
            }
            if ("failed".equals(status)) {
                throw new IllegalStateException("export " + id + " failed: " + job.path("error").asText());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void sql(String sql, Tuple args) {
        pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofHours(1));
    }

    record Timed(double seconds, long lines, long entered, long left, String file) {
    }
}
