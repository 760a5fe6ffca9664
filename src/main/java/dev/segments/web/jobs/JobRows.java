package dev.segments.web.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Recent compute jobs of every segment, newest first (by the primary key), and whether any is running. */
@ApplicationScoped
public class JobRows {

    public Uni<List<JobRow>> newest(SqlClient db, long beforeId, int limit) {
        return db.preparedQuery("""
                SELECT j.id, j.segment_id, s.name, j.triggered_by, j.kind, j.status, j.started_at, j.completed_at,
                       j.added_count, j.removed_count, j.member_count, j.error
                FROM segment_compute_job j JOIN segment s ON s.id = j.segment_id
                WHERE j.id < $1 ORDER BY j.id DESC LIMIT $2""")
                .execute(Tuple.of(beforeId, limit))
                .map(rows -> {
                    List<JobRow> jobs = new ArrayList<>();
                    for (Row row : rows) {
                        jobs.add(new JobRow(row.getLong(0), row.getLong(1), row.getString(2), row.getString(3),
                                row.getString(4), row.getString(5), instant(row.getOffsetDateTime(6)),
                                instant(row.getOffsetDateTime(7)), row.getLong(8), row.getLong(9), row.getLong(10),
                                row.getString(11)));
                    }
                    return jobs;
                });
    }

    /** Uses the partial index {@code idx_job_running}. */
    public Uni<Boolean> anyRunning(SqlClient db) {
        return db.query("SELECT EXISTS (SELECT 1 FROM segment_compute_job WHERE status = 'running')").execute()
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
