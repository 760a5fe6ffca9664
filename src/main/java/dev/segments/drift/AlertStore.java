package dev.segments.drift;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL for drift alerts and their thresholds. Alerts are opened by the {@code segment_alert_evaluate}
 * trigger when a compute job completes (V5__history_drift_alerts.sql) and by {@link #openStale}.
 */
@ApplicationScoped
public class AlertStore {

    private static final String ALERT = """
            SELECT id, segment_id, kind, acknowledged_at IS NOT NULL, cleared_at IS NULL, job_id, previous_count,
                   member_count, detail, opened_at, cleared_at, acknowledged_at, destination_id, notified_at
            FROM segment_alert
            """;

    public Uni<Optional<AlertSettings>> settings(SqlClient db, long segmentId) {
        return db.preparedQuery("""
                SELECT segment_id, relative_change, min_previous_count, on_zero,
                       (extract(epoch FROM stale_after) / 3600)::int, destination_id, updated_at
                FROM segment_alert_settings WHERE segment_id = $1""")
                .execute(Tuple.of(segmentId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toSettings(rows.iterator().next())));
    }

    public Uni<Void> saveSettings(SqlClient db, AlertSettings s) {
        return db.preparedQuery("""
                INSERT INTO segment_alert_settings AS a (segment_id, relative_change, min_previous_count, on_zero,
                                                         stale_after, destination_id, updated_at)
                VALUES ($1, $2, $3, $4, $5::int * interval '1 hour', $6, now())
                ON CONFLICT (segment_id) DO UPDATE SET relative_change = EXCLUDED.relative_change,
                    min_previous_count = EXCLUDED.min_previous_count, on_zero = EXCLUDED.on_zero,
                    stale_after = EXCLUDED.stale_after, destination_id = EXCLUDED.destination_id, updated_at = now()""")
                .execute(Tuple.tuple().addLong(s.segmentId()).addBigDecimal(s.relativeChange())
                        .addLong(s.minPreviousCount()).addBoolean(s.onZero()).addInteger(s.staleAfterHours())
                        .addLong(s.destinationId()))
                .replaceWithVoid();
    }

    /**
     * One page of alerts, newest first, with ids below {@code beforeId}: {@code open} (not yet
     * acknowledged), {@code acknowledged}, or both when {@code status} is null; optionally one segment's.
     */
    public Uni<List<Alert>> page(SqlClient db, String status, Long segmentId, long beforeId, int limit) {
        return db.preparedQuery(ALERT + """
                 WHERE id < $1 AND ($2::bigint IS NULL OR segment_id = $2)
                   AND ($3::text IS NULL OR (acknowledged_at IS NOT NULL) = ($3 = 'acknowledged'))
                 ORDER BY id DESC LIMIT $4""")
                .execute(Tuple.of(beforeId, segmentId, status, limit))
                .map(AlertStore::toAlerts);
    }

    /** Acknowledges an alert (again: keeps the first time); empty when there is no such alert. */
    public Uni<Optional<Alert>> acknowledge(SqlClient db, long id) {
        return db.preparedQuery("UPDATE segment_alert SET acknowledged_at = coalesce(acknowledged_at, now()) WHERE id = $1")
                .execute(Tuple.of(id))
                .chain(() -> db.preparedQuery(ALERT + "WHERE id = $1").execute(Tuple.of(id)))
                .map(rows -> toAlerts(rows).stream().findFirst());
    }

    /**
     * Opens a {@code stale} alert for every segment whose last completed compute (or, never computed,
     * its creation) is older than its threshold at {@code now}, and clears those that no longer are.
     * Answers how many were opened. An ongoing alert is never opened twice (unique index).
     */
    public Uni<Integer> openStale(SqlClient db, Instant now) {
        return db.preparedQuery("""
                WITH last AS (
                    SELECT a.segment_id, a.stale_after, a.destination_id, coalesce((
                        SELECT j.completed_at FROM segment_compute_job j
                        WHERE j.segment_id = a.segment_id AND j.status = 'completed'
                        ORDER BY j.id DESC LIMIT 1), s.created_at) AS last_at
                    FROM segment_alert_settings a JOIN segment s ON s.id = a.segment_id
                ), cleared AS (
                    UPDATE segment_alert x SET cleared_at = now()
                    FROM last WHERE x.segment_id = last.segment_id AND x.kind = 'stale' AND x.cleared_at IS NULL
                      AND (last.stale_after IS NULL OR last.last_at >= $1::timestamptz - last.stale_after)
                )
                INSERT INTO segment_alert (segment_id, kind, detail, destination_id)
                SELECT segment_id, 'stale', format('no completed compute since %s (threshold %s)', last_at, stale_after),
                       destination_id
                FROM last WHERE last_at < $1::timestamptz - stale_after
                ON CONFLICT (segment_id, kind) WHERE cleared_at IS NULL DO NOTHING""")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .map(RowSet::rowCount);
    }

    /** Alerts with a destination not yet handed to the notifier, row-locked (skipping those another instance holds). */
    public Uni<List<Alert>> claimUnnotified(SqlClient db, int limit) {
        return db.preparedQuery(ALERT + """
                 WHERE notified_at IS NULL AND destination_id IS NOT NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(limit))
                .map(AlertStore::toAlerts);
    }

    public Uni<Void> markNotified(SqlClient db, long id) {
        return db.preparedQuery("UPDATE segment_alert SET notified_at = now() WHERE id = $1").execute(Tuple.of(id))
                .replaceWithVoid();
    }

    private static List<Alert> toAlerts(RowSet<Row> rows) {
        List<Alert> alerts = new ArrayList<>(rows.size());
        for (Row row : rows) {
            alerts.add(new Alert(row.getLong(0), row.getLong(1), row.getString(2),
                    row.getBoolean(3) ? "acknowledged" : "open", row.getBoolean(4), row.getLong(5), row.getLong(6),
                    row.getLong(7), row.getString(8), instant(row.getOffsetDateTime(9)), instant(row.getOffsetDateTime(10)),
                    instant(row.getOffsetDateTime(11)), row.getLong(12), instant(row.getOffsetDateTime(13))));
        }
        return alerts;
    }

    private static AlertSettings toSettings(Row row) {
        return new AlertSettings(row.getLong(0), row.getBigDecimal(1), row.getLong(2), row.getBoolean(3),
                row.getInteger(4), row.getLong(5), instant(row.getOffsetDateTime(6)));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
