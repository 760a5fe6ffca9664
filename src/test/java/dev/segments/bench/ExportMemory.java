package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * How much heap a directory export holds, at two sizes in the same run: a segment of a tenth of the
 * members and the segment of all of them, each exported to CSV to a new destination, {@code full}
 * then {@code diff} (first exports: every chunk of the baseline is written, every member is a
 * change). Each export runs under a {@link HeapProbe}; these runs are not timed.
 */
final class ExportMemory {

    private static final Logger LOG = Logger.getLogger(ExportMemory.class);
    private static final long PROBE_EVERY_MILLIS = 50;

    private final Pool pool;
    private final BenchClient api;
    private final BenchSettings settings;
    private final ExportLoad load;

    ExportMemory(Pool pool, BenchClient api, BenchSettings settings, ExportLoad load) {
        this.pool = pool;
        this.api = api;
        this.settings = settings;
        this.load = load;
    }

    BenchFigures.ExportHeap run(long segmentId, Path root, String tag) throws Exception {
        int small = settings.users() / 10;
        JsonNode segment = api.post("/api/v1/segments", "{\"name\": \"" + tag + " tenth\", \"rules\": "
                + "{\"attribute\": \"bench_export_none\", \"op\": \"eq\", \"value\": 1}}", 201);
        long smallId = segment.path("id").asLong();
        api.awaitJobs(List.of(segment.path("job_id").asLong()));
        try {
            pool.preparedQuery("INSERT INTO segment_membership (segment_id, user_id) SELECT $1, g FROM generate_series($2::bigint, $3::bigint) g")
                    .execute(Tuple.of(smallId, settings.firstUserId() + 1, settings.firstUserId() + small))
                    .await().atMost(Duration.ofMinutes(10));
            Probed smallFull = probe(smallId, root, tag, "full");
            Probed smallDiff = probe(smallId, root, tag, "diff");
            Probed largeFull = probe(segmentId, root, tag, "full");
            Probed largeDiff = probe(segmentId, root, tag, "diff");
            return new BenchFigures.ExportHeap(smallFull.lines(), largeFull.lines(), smallFull.bytes(), smallDiff.bytes(),
                    largeFull.bytes(), largeDiff.bytes(), smallFull.samples() + smallDiff.samples() + largeFull.samples()
                    + largeDiff.samples());
        } finally {
            api.delete("/api/v1/segments/" + smallId);
        }
    }

    private Probed probe(long segmentId, Path root, String tag, String mode) throws Exception {
        Path dir = root.resolve("bench-" + settings.firstUserId() + "-heap-" + segmentId + "-" + mode);
        long destination = load.destination(tag + " heap " + segmentId + " " + mode, dir);
        try {
            HeapProbe probe = HeapProbe.start(PROBE_EVERY_MILLIS);
            ExportLoad.Timed export = load.export(segmentId, destination, mode);
            long[] peak = probe.stop();
            LOG.infof("heap held during a first %s export of %,d members: %,d bytes (%d samples, MB: %s)", mode, export.lines(),
                    peak[0], peak[1], probe.trace());
            return new Probed(export.lines(), peak[0], (int) peak[1]);
        } finally {
            api.delete("/api/v1/destinations/" + destination);
            ExportLoad.deleteDirectory(dir);
        }
    }

    private record Probed(long lines, long bytes, int samples) {
    }
}
