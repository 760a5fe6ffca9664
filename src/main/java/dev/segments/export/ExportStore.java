package dev.segments.export;

import dev.segments.db.AppInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code segment_export}: the export jobs, their queue and their progress. */
@ApplicationScoped
public class ExportStore {

    private static final String COLUMNS = """
            id, segment_id, destination_id, format, mode, status, triggered_by, compute_job_id, attempts, total_count,
            entered_count, left_count, sent_count, batches_sent, file_name, sha256, error, created_at, started_at,
            completed_at, staged, sent_through""";

    public Uni<ExportView> queue(SqlClient db, long segmentId, long destinationId, ExportFormat format, ExportMode mode) {
        return db.preparedQuery("""
                INSERT INTO segment_export (segment_id, destination_id, format, mode, triggered_by)
                VALUES ($1, $2, $3, $4, 'manual') RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(segmentId, destinationId, format.wire(), mode.wire()))
                .map(ExportStore::first);
    }

    public Uni<Optional<ExportView>> find(SqlClient db, long id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM segment_export WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(first(rows)));
    }

    /** A segment's exports, newest first, with ids below {@code before}. */
    public Uni<List<ExportView>> pageForSegment(SqlClient db, long segmentId, long before, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS
                + " FROM segment_export WHERE segment_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3")
                .execute(Tuple.of(segmentId, before, limit))
                .map(ExportStore::all);
    }

    /** Queues a failed export again; it resumes where it stopped. Empty unless it had failed. */
    public Uni<Optional<ExportView>> retry(SqlClient db, long id) {
        return db.preparedQuery("""
                UPDATE segment_export SET status = 'queued', error = NULL, completed_at = NULL
                WHERE id = $1 AND status = 'failed' RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(first(rows)));
    }

    /** Takes the oldest queued export (skipping those another instance is taking) and marks it running. */
    /** Takes the oldest queued export for instance {@code owner}, if any. */
    public Uni<Optional<ExportView>> claim(SqlClient db, UUID owner) {
        return db.preparedQuery("""
                UPDATE segment_export SET status = 'running', attempts = attempts + 1, started_at = now(), heartbeat_at = now(),
                       owner = $1
                WHERE id = (SELECT id FROM segment_export WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(owner))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(first(rows)));
    }

    /**
     * Queues again the running exports without progress for {@code staleSeconds} whose instance stopped
     * (silent for {@code deadSeconds}, see {@link AppInstance}) or is {@code self} and no longer runs
     * them ({@code running}: the exports {@code self} runs now). An export of a live instance stays
     * its own however long it takes: a directory export reports no progress while it writes.
     */
    public Uni<Integer> requeueStale(SqlClient db, long staleSeconds, long deadSeconds, UUID self, Long[] running) {
        return db.preparedQuery("""
                UPDATE segment_export SET status = 'queued'
                WHERE status = 'running' AND heartbeat_at < now() - $1::bigint * interval '1 second'
                  AND ((owner = $3 AND NOT id = ANY($4::bigint[])) OR\s""" + AppInstance.stopped("owner", "$2") + ")")
                .execute(Tuple.of(staleSeconds, deadSeconds, self, running))
                .map(RowSet::rowCount);
    }

    public Uni<Void> fail(SqlClient db, long id, String error) {
        return db.preparedQuery("""
                UPDATE segment_export SET status = 'failed', error = $2, completed_at = now()
                WHERE id = $1 AND status = 'running'""")
                .execute(Tuple.of(id, error))
                .replaceWithVoid();
    }

    static ExportView first(RowSet<Row> rows) {
        return toView(rows.iterator().next());
    }

    private static List<ExportView> all(RowSet<Row> rows) {
        List<ExportView> views = new ArrayList<>();
        rows.forEach(row -> views.add(toView(row)));
        return views;
    }

    private static ExportView toView(Row row) {
        return new ExportView(row.getLong(0), row.getLong(1), row.getLong(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getLong(7), row.getInteger(8), row.getLong(9), row.getLong(10),
                row.getLong(11), row.getLong(12), row.getInteger(13), row.getString(14), row.getString(15),
                row.getString(16), instant(row, 17), instant(row, 18), instant(row, 19), row.getBoolean(20), row.getLong(21));
    }

    private static java.time.Instant instant(Row row, int column) {
        return row.getOffsetDateTime(column) == null ? null : row.getOffsetDateTime(column).toInstant();
    }
}
