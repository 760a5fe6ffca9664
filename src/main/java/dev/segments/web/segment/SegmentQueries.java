package dev.segments.web.segment;

import dev.segments.drift.DriftPoint;
import dev.segments.membership.Member;
import dev.segments.membership.MembershipStore;
import dev.segments.user.UserIdSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The few reads the segment page needs that no service offers: segment names, members before a cursor. */
@ApplicationScoped
public class SegmentQueries {

    /** A segment by id and name, for links. */
    public record SegmentLink(long id, String name) {
    }

    /** Names of these segments (missing ones are left out). */
    public Uni<Map<Long, String>> names(SqlClient db, List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return db.preparedQuery("SELECT id, name FROM segment WHERE id = ANY($1::bigint[])")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .map(rows -> {
                    Map<Long, String> names = new LinkedHashMap<>();
                    rows.forEach(row -> names.put(row.getLong(0), row.getString(1)));
                    return names;
                });
    }

    /** The segments whose rules reference this one, by name. */
    public Uni<List<SegmentLink>> usedBy(SqlClient db, long segmentId) {
        return db.preparedQuery("""
                SELECT s.id, s.name FROM segment_dependency d JOIN segment s ON s.id = d.segment_id
                WHERE d.depends_on = $1 ORDER BY s.name""")
                .execute(Tuple.of(segmentId))
                .map(rows -> {
                    List<SegmentLink> links = new ArrayList<>();
                    rows.forEach(row -> links.add(new SegmentLink(row.getLong(0), row.getString(1))));
                    return links;
                });
    }

    /** Up to {@code limit} current members with user ids below {@code beforeUserId}, in user id order. */
    public Uni<List<Member>> membersBefore(SqlClient db, long segmentId, long beforeUserId, int limit) {
        return db.preparedQuery("SELECT m.user_id, m.added_at, " + UserIdSql.allocated("m.user_id") + """
                 FROM segment_membership m
                WHERE m.segment_id = $1 AND m.removed_at IS NULL AND m.user_id < $2
                ORDER BY m.user_id DESC LIMIT $3""")
                .execute(Tuple.of(segmentId, beforeUserId, limit))
                .map(rows -> {
                    List<Member> members = toMembers(rows);
                    Collections.reverse(members);
                    return members;
                });
    }

    /**
     * The newest {@code limit} completed computes of a segment since {@code from}, oldest first: the
     * chart shows the latest history when there is more than it can draw (the drift API pages from the oldest).
     */
    public Uni<List<DriftPoint>> latestPoints(SqlClient db, long segmentId, Instant from, int limit) {
        return db.preparedQuery("""
                SELECT id, completed_at, kind, triggered_by, member_count, coalesce(added_count, 0), coalesce(removed_count, 0)
                FROM segment_compute_job
                WHERE segment_id = $1 AND status = 'completed' AND member_count IS NOT NULL AND completed_at >= $2
                ORDER BY id DESC LIMIT $3""")
                .execute(Tuple.of(segmentId, from.atOffset(ZoneOffset.UTC), limit))
                .map(rows -> {
                    List<DriftPoint> points = new ArrayList<>(rows.size());
                    rows.forEach(row -> points.add(new DriftPoint(row.getLong(0), row.getOffsetDateTime(1).toInstant(),
                            row.getString(2), row.getString(3), row.getLong(4), row.getLong(5), row.getLong(6))));
                    Collections.reverse(points);
                    return points;
                });
    }

    /** The user's current membership of the segment, if any. */
    public Uni<Optional<Member>> membership(SqlClient db, long segmentId, long userId) {
        return db.preparedQuery("SELECT m.user_id, m.added_at, " + UserIdSql.allocated("m.user_id") + """
                 FROM segment_membership m
                WHERE m.segment_id = $1 AND m.user_id = $2 AND m.removed_at IS NULL""")
                .execute(Tuple.of(segmentId, userId))
                .map(rows -> toMembers(rows).stream().findFirst());
    }

    private static List<Member> toMembers(RowSet<Row> rows) {
        return MembershipStore.toMembers(rows);
    }
}
