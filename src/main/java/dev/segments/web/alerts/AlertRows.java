package dev.segments.web.alerts;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Drift alerts with their segment names, newest first. */
@ApplicationScoped
public class AlertRows {

    private static final String SELECT = """
            SELECT a.id, a.segment_id, s.name, a.kind, a.detail, a.opened_at, a.cleared_at, a.acknowledged_at
            FROM segment_alert a JOIN segment s ON s.id = a.segment_id
            """;

    /** {@code acknowledged}: true, false, or null for both. */
    public Uni<List<AlertRow>> page(SqlClient db, Boolean acknowledged, long beforeId, int limit) {
        return db.preparedQuery(SELECT + """
                WHERE a.id < $1 AND ($2::boolean IS NULL OR (a.acknowledged_at IS NOT NULL) = $2)
                ORDER BY a.id DESC LIMIT $3""")
                .execute(Tuple.of(beforeId, acknowledged, limit))
                .map(AlertRows::toRows);
    }

    public Uni<Optional<AlertRow>> find(SqlClient db, long id) {
        return db.preparedQuery(SELECT + "WHERE a.id = $1").execute(Tuple.of(id))
                .map(rows -> toRows(rows).stream().findFirst());
    }

    private static List<AlertRow> toRows(RowSet<Row> rows) {
        List<AlertRow> alerts = new ArrayList<>();
        for (Row row : rows) {
            alerts.add(new AlertRow(row.getLong(0), row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                    instant(row.getOffsetDateTime(5)), instant(row.getOffsetDateTime(6)), instant(row.getOffsetDateTime(7))));
        }
        return alerts;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
