package dev.segments.export;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL for {@code segment_subscription}. The exports themselves are queued by a trigger on
 * {@code segment_compute_job} in the transaction that completes a compute (see {@code V6__exports.sql}).
 */
@ApplicationScoped
public class SubscriptionStore {

    public Uni<Subscription> upsert(SqlClient db, long segmentId, long destinationId, ExportFormat format, ExportMode mode) {
        return db.preparedQuery("""
                INSERT INTO segment_subscription (segment_id, destination_id, format, mode) VALUES ($1, $2, $3, $4)
                ON CONFLICT (segment_id, destination_id) DO UPDATE SET format = excluded.format, mode = excluded.mode
                RETURNING segment_id, destination_id, format, mode, created_at""")
                .execute(Tuple.of(segmentId, destinationId, format.wire(), mode.wire()))
                .map(rows -> toSubscription(rows.iterator().next()));
    }

    public Uni<Boolean> delete(SqlClient db, long segmentId, long destinationId) {
        return db.preparedQuery("DELETE FROM segment_subscription WHERE segment_id = $1 AND destination_id = $2")
                .execute(Tuple.of(segmentId, destinationId))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<List<Subscription>> page(SqlClient db, long segmentId, long afterDestination, int limit) {
        return db.preparedQuery("""
                SELECT segment_id, destination_id, format, mode, created_at FROM segment_subscription
                WHERE segment_id = $1 AND destination_id > $2 ORDER BY destination_id LIMIT $3""")
                .execute(Tuple.of(segmentId, afterDestination, limit))
                .map(rows -> {
                    List<Subscription> page = new ArrayList<>();
                    rows.forEach(row -> page.add(toSubscription(row)));
                    return page;
                });
    }

    private static Subscription toSubscription(Row row) {
        return new Subscription(row.getLong(0), row.getLong(1), row.getString(2), row.getString(3),
                row.getOffsetDateTime(4).toInstant());
    }
}
