package dev.segments.drift;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Reads a segment's member-count time series from its completed compute jobs. */
@ApplicationScoped
public class DriftStore {

    /**
     * The completed jobs of a segment that completed in {@code [from, to)}, in job id order (the order
     * they were queued, which is also the order they complete in), after job {@code afterJobId}.
     */
    public Uni<List<DriftPoint>> points(SqlClient db, long segmentId, Instant from, Instant to, long afterJobId,
            int limit) {
        return db.preparedQuery("""
                SELECT id, completed_at, kind, triggered_by, member_count, coalesce(added_count, 0), coalesce(removed_count, 0)
                FROM segment_compute_job
                WHERE segment_id = $1 AND status = 'completed' AND member_count IS NOT NULL
                  AND completed_at >= $2 AND completed_at < $3 AND id > $4
                ORDER BY id LIMIT $5""")
                .execute(Tuple.of(segmentId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), afterJobId, limit))
                .map(rows -> {
                    List<DriftPoint> points = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        points.add(new DriftPoint(row.getLong(0), row.getOffsetDateTime(1).toInstant(), row.getString(2),
                                row.getString(3), row.getLong(4), row.getLong(5), row.getLong(6)));
                    }
                    return points;
                });
    }
}
