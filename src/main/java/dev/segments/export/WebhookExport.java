package dev.segments.export;

import dev.segments.config.SegmentsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers an export to a webhook in batches. The first run stages what to send ({@link WebhookItems}:
 * one statement, so one consistent snapshot, one row per 4096 user ids); batch {@code n} is then always the same members, sent
 * with {@code webhook-id} {@code msg_export<id>_batch<n>}. After each accepted batch the export
 * records how far it got, so a retried or restarted export resumes with the first batch not yet
 * accepted: a consumer that deduplicates by {@code webhook-id} sees every batch exactly once. Every
 * export sends at least one batch (an empty one when there is nothing to send). Once the last batch
 * is accepted, the baseline moves by exactly what was sent and the staged items are dropped.
 */
@ApplicationScoped
public class WebhookExport {

    private final Pool pool;
    private final ExportStore exports;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Backoff backoff;
    private final WebhookGuard guard;

    public WebhookExport(Pool pool, ExportStore exports, SegmentsConfig config, WebhookGuard guard) {
        this.pool = pool;
        this.guard = guard;
        this.exports = exports;
        this.backoff = new Backoff(config.exports().backoffBase(), config.exports().backoffMax(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Call from a worker thread: it blocks for the whole delivery. */
    public void run(ExportView claimed, Destination destination) throws WebhookDelivery.Failed, InterruptedException, IOException {
        ExportView export = claimed.staged() ? claimed : await(pool.withTransaction(conn -> stage(conn, claimed)));
        WebhookDelivery delivery = new WebhookDelivery(http, backoff, () -> await(heartbeat(export.id())), guard);
        int size = destination.batchSize();
        int batches = (int) Math.max(1, (export.totalCount() + size - 1) / size);
        long through = export.sentThrough();
        long sent = export.sentCount();
        for (int batch = export.batchesSent() + 1; batch <= batches; batch++) {
            List<Row> rows = await(WebhookItems.batch(pool, export, through, size));
            String webhookId = "msg_export" + export.id() + "_batch" + batch;
            delivery.send(destination, webhookId, export.exportFormat().contentType(),
                    Map.of("segments-export-id", Long.toString(export.id()), "segments-batch", Integer.toString(batch),
                            "segments-batch-count", Integer.toString(batches), "segments-mode", export.mode()),
                    body(export, batch, batches, rows));
            through = rows.isEmpty() ? through : rows.get(rows.size() - 1).getLong(0);
            sent += rows.size();
            await(progress(export.id(), batch, through, sent));
        }
        await(pool.withTransaction(conn -> finish(conn, export, destination)));
    }

    private Uni<ExportView> stage(SqlClient db, ExportView export) {
        return WebhookItems.stage(db, export)
                .chain(() -> exports.find(db, export.id()))
                .map(found -> found.orElseThrow(() -> new IllegalStateException("export " + export.id() + " was deleted")));
    }

    /** The batch's members in the export's format; JSON batches are wrapped in an envelope saying which batch it is. */
    private static byte[] body(ExportView export, int batch, int batches, List<Row> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 48 + 256);
        boolean json = export.exportFormat() == ExportFormat.JSON;
        if (json) {
            out.write(("{\"type\":\"segment.export.batch\",\"data\":{\"export_id\":" + export.id() + ",\"segment_id\":"
                    + export.segmentId() + ",\"mode\":\"" + export.mode() + "\",\"batch\":" + batch + ",\"batch_count\":"
                    + batches + ",\"members\":").getBytes(StandardCharsets.UTF_8));
        }
        LineFramer framer = new LineFramer(export.exportFormat(), export.exportMode(), out);
        for (Row row : rows) {
            framer.line(row.getString(1));
        }
        framer.finish();
        if (json) {
            out.write("}}".getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private Uni<Void> progress(long exportId, int batch, long through, long sent) {
        return pool.preparedQuery("""
                UPDATE segment_export SET batches_sent = $2, sent_through = $3, sent_count = $4, heartbeat_at = now()
                WHERE id = $1""").execute(Tuple.of(exportId, batch, through, sent)).replaceWithVoid();
    }

    private Uni<Void> heartbeat(long exportId) {
        return pool.preparedQuery("UPDATE segment_export SET heartbeat_at = now() WHERE id = $1")
                .execute(Tuple.of(exportId)).replaceWithVoid();
    }

    private Uni<Void> finish(SqlClient db, ExportView export, Destination destination) {
        return ExportBaseline.lockForTransaction(db, export.segmentId(), destination.id())
                .chain(() -> WebhookItems.applySent(db, export))
                .chain(changes -> db.preparedQuery("""
                        UPDATE segment_export SET status = 'completed', completed_at = now(), heartbeat_at = now(),
                               entered_count = coalesce(entered_count, $2), left_count = coalesce(left_count, $3)
                        WHERE id = $1""").execute(Tuple.of(export.id(), changes[0], changes[1])))
                .chain(() -> WebhookItems.drop(db, export.id()));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofMinutes(30));
    }
}
