package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Exports a segment holding every generated user to CSV in a directory destination through the API,
 * twice: the first export also writes the destination's baseline (one row per member), the second
 * finds it in place. Times are from the request to the completed job, seen by polling every 20 ms.
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
        pool.preparedQuery("INSERT INTO segment_membership (segment_id, user_id) SELECT $1, g FROM generate_series($2::bigint, $3::bigint) g")
                .execute(Tuple.of(segmentId, settings.firstUserId() + 1, settings.lastUserId()))
                .await().atMost(Duration.ofHours(1));
        Path root = Path.of(ConfigProvider.getConfig().getValue("segments.exports.root", String.class)).toAbsolutePath().normalize();
        Path dir = root.resolve("bench-" + settings.firstUserId());
        long destination = api.post("/api/v1/destinations", "{\"name\": \"" + tag + "\", \"type\": \"directory\", \"path\": \""
                + dir + "\"}", 201).path("id").asLong();
        try {
            Timed first = export(segmentId, destination);
            Timed again = export(segmentId, destination);
            long bytes = Files.size(dir.resolve(again.file()));
            LOG.infof("export of %,d members to CSV: %.3f s first, %.3f s again, %,d bytes", again.members(),
                    first.seconds(), again.seconds(), bytes);
            return new BenchFigures.Export(again.members(), first.seconds(), again.seconds(), bytes);
        } finally {
            api.delete("/api/v1/destinations/" + destination);
            api.delete("/api/v1/segments/" + segmentId);
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private Timed export(long segmentId, long destination) {
        long start = System.nanoTime();
        long id = api.post("/api/v1/segments/" + segmentId + "/exports",
                "{\"destination_id\": " + destination + ", \"format\": \"csv\", \"mode\": \"full\"}", 202).path("id").asLong();
        while (true) {
            JsonNode job = api.get("/api/v1/exports/" + id);
            String status = job.path("status").asText();
            if ("completed".equals(status)) {
                return new Timed((System.nanoTime() - start) / 1e9, job.path("total_count").asLong(), job.path("file_name").asText());
            }
            if ("failed".equals(status)) {
                throw new IllegalStateException("export " + id + " failed: " + job.path("error").asText());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private record Timed(double seconds, long members, String file) {
    }
}
