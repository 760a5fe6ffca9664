package dev.segments.web.segments;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One page of the segments list in a single statement: the page of segments by name (keyset) and, per
 * segment, lateral lookups that each use an index ({@code segment_member_stats (segment_id)},
 * {@code segment_compute_job (segment_id, id DESC)}, {@code segment_alert (segment_id, id)}), so the
 * cost grows with the page size, not with the number of segments or jobs.
 */
@ApplicationScoped
public class SegmentRows {

    static final int SPARK_POINTS = 20;

    private static final String PAGE = """
            WITH page AS (
                SELECT s.id, s.name FROM segment s
                WHERE ($1::text IS NULL OR strpos(lower(s.name), lower($1)) > 0)
                  AND ($2::text IS NULL OR s.name > $2)
                  AND ($3::text IS NULL OR s.name < $3)
                ORDER BY CASE WHEN $3::text IS NULL THEN s.name END,
                         CASE WHEN $3::text IS NOT NULL THEN s.name END DESC
                LIMIT $4)
            SELECT p.id, p.name,
                   (SELECT coalesce(sum(st.member_count), 0)::bigint FROM segment_member_stats st WHERE st.segment_id = p.id),
                   latest.status, latest.error,
                   (SELECT j.completed_at FROM segment_compute_job j
                    WHERE j.segment_id = p.id AND j.status = 'completed' ORDER BY j.id DESC LIMIT 1),
                   array(SELECT j.member_count FROM segment_compute_job j
                         WHERE j.segment_id = p.id AND j.status = 'completed' AND j.member_count IS NOT NULL
                         ORDER BY j.id DESC LIMIT $5),
                   (SELECT count(*) FROM segment_alert a WHERE a.segment_id = p.id AND a.acknowledged_at IS NULL)
            FROM page p
            LEFT JOIN LATERAL (SELECT j.status, j.error FROM segment_compute_job j
                               WHERE j.segment_id = p.id ORDER BY j.id DESC LIMIT 1) latest ON TRUE
            ORDER BY p.name""";

    /**
     * Up to {@code limit} segments whose name contains {@code filter} (case-insensitive, literally;
     * null: all), after the name {@code after} or, when {@code before} is set, the last ones before it.
     */
    public Uni<List<SegmentRow>> page(SqlClient db, String filter, String after, String before, int limit) {
        return db.preparedQuery(PAGE).execute(Tuple.from(Arrays.asList(filter, after, before, limit, SPARK_POINTS)))
                .map(rows -> {
                    List<SegmentRow> page = new ArrayList<>();
                    for (Row row : rows) {
                        page.add(toRow(row));
                    }
                    return page;
                });
    }

    private static SegmentRow toRow(Row row) {
        List<Long> sizes = new ArrayList<>(Arrays.asList(row.getArrayOfLongs(6)));
        Collections.reverse(sizes);
        OffsetDateTime computed = row.getOffsetDateTime(5);
        return new SegmentRow(row.getLong(0), row.getString(1), row.getLong(2), Sparkline.of(sizes),
                computed == null ? null : computed.toInstant(), row.getString(3), row.getString(4), row.getLong(7));
    }
}
