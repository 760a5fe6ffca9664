package dev.segments.membership;

import dev.segments.user.UserIdSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SQL for current memberships and the membership event log, for per-user writes and reads. */
@ApplicationScoped
public class MembershipStore {

    /**
     * The segments each of these users is currently a member of, from their {@code user_segment_set}
     * rows (one index probe per user). It may name a segment deleted since; callers evaluate only the
     * catalog's segments, which never include it.
     */
    public Uni<Map<Long, Set<Long>>> openSegments(SqlClient db, Long[] userIds) {
        return openSegmentsWithEpoch(db, userIds).map(OpenSegments::sets);
    }

    /**
     * {@link #openSegments}, read in one statement with the segment-set epoch (V17) they are current
     * for: the stamp of the copies an event leaves on its users' dirty flags.
     */
    public Uni<OpenSegments> openSegmentsWithEpoch(SqlClient db, Long[] userIds) {
        return db.preparedQuery("""
                        SELECT e.epoch, us.user_id, us.segment_ids FROM segment_set_epoch e
                        LEFT JOIN user_segment_set us ON us.user_id = ANY($1::bigint[])""")
                .execute(Tuple.of((Object) userIds))
                .map(rows -> {
                    Map<Long, Set<Long>> open = new HashMap<>();
                    long epoch = 0;
                    for (Row row : rows) {
                        epoch = row.getLong(0);
                        if (row.getValue(1) != null) {
                            open.put(row.getLong(1), segmentSet(row.getArrayOfLongs(2)));
                        }
                    }
                    return new OpenSegments(epoch, open);
                });
    }

    /** Users' open segments, current as of segment-set epoch {@code epoch}. */
    public record OpenSegments(long epoch, Map<Long, Set<Long>> sets) {
    }

    /**
     * Invalidates every segment-set copy on a dirty flag (V17): run by each writer of segment sets that
     * does not hold the flags of the users it writes (a full compute, a segment's deletion), in the
     * transaction that writes, once its writes are done.
     */
    public static Uni<Void> bumpSetEpoch(SqlClient db) {
        return db.query("UPDATE segment_set_epoch SET epoch = epoch + 1").execute().replaceWithVoid();
    }

    /** A {@code segment_ids} array as a mutable set (empty for null; a stray non-positive id is ignored, see V13). */
    public static Set<Long> segmentSet(Long[] segmentIds) {
        Set<Long> set = new HashSet<>();
        if (segmentIds != null) {
            for (Long id : segmentIds) {
                if (id != null && id > 0) {
                    set.add(id);
                }
            }
        }
        return set;
    }

    /**
     * Writes joins (opening or reopening the row) and leaves, each with its membership event, and the
     * users' {@code user_segment_set} rows (one upsert in user order, see V13), in one statement. Each
     * change's feed key (see {@link ChangeFeed}) is this transaction's id, or the key of the previous
     * change of that membership when that is larger; the event carries the same key. A leave of a
     * membership that is already closed writes nothing.
     */
    public Uni<Void> write(SqlClient db, List<MembershipChange> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return db.preparedQuery("""
                        WITH x AS (
                            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::boolean[], $4::text[], $5::bigint[])
                                WITH ORDINALITY AS x(u, s, j, e, job, n)
                        ), joins AS (
                            INSERT INTO segment_membership AS m (segment_id, user_id, added_at, removed_at, feed_key)
                            SELECT s, u, now(), NULL, pg_current_xact_id() FROM x WHERE j
                            ON CONFLICT (segment_id, user_id) DO UPDATE SET added_at = now(), removed_at = NULL,
                                feed_key = greatest(pg_current_xact_id(), m.feed_key)
                            RETURNING m.segment_id, m.user_id, m.feed_key
                        ), leaves AS (
                            UPDATE segment_membership m SET removed_at = now(), feed_key = greatest(pg_current_xact_id(), m.feed_key)
                            FROM x WHERE NOT x.j AND m.segment_id = x.s AND m.user_id = x.u AND m.removed_at IS NULL
                            RETURNING m.segment_id, m.user_id, m.feed_key
                        ), written AS (
                            SELECT x.*, w.feed_key FROM x JOIN (
                                SELECT segment_id, user_id, feed_key, true AS j FROM joins
                                UNION ALL SELECT segment_id, user_id, feed_key, false FROM leaves) w
                            ON w.segment_id = x.s AND w.user_id = x.u AND w.j = x.j
                        ), logged AS (
                            INSERT INTO membership_event (user_id, segment_id, kind, cause, event_id, job_id, feed_key)
                            SELECT u, s, CASE WHEN j THEN 'join' ELSE 'leave' END, CASE WHEN job IS NULL THEN 'event' ELSE 'job' END,
                                   e, job, feed_key
                            FROM written ORDER BY n
                        )
                        INSERT INTO user_segment_set AS us (user_id, segment_ids)
                        SELECT u, array_agg(CASE WHEN j THEN s ELSE -s END ORDER BY n) FROM written GROUP BY u ORDER BY u
                        ON CONFLICT (user_id) DO UPDATE SET segment_ids = segment_set_apply(us.segment_ids, EXCLUDED.segment_ids)""")
                .execute(Tuple.of(userIds(changes), segmentIds(changes),
                        changes.stream().map(MembershipChange::join).toArray(Boolean[]::new),
                        changes.stream().map(MembershipChange::eventId).toArray(String[]::new),
                        changes.stream().map(MembershipChange::jobId).toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /**
     * One page of a segment's current members, ordered by internal user id (numeric ids in numeric order,
     * then the others in the order they were first seen), with their external ids.
     */
    public Uni<List<Member>> members(SqlClient db, long segmentId, long afterUserId, int limit) {
        return db.preparedQuery("SELECT m.user_id, m.added_at, " + UserIdSql.allocated("m.user_id") + """
                 FROM segment_membership m
                WHERE m.segment_id = $1 AND m.removed_at IS NULL AND m.user_id > $2
                ORDER BY m.user_id LIMIT $3""")
                .execute(Tuple.of(segmentId, afterUserId, limit))
                .map(MembershipStore::toMembers);
    }

    /** Rows of (user_id, added_at, allocated external id) as members. */
    public static List<Member> toMembers(Iterable<Row> rows) {
        List<Member> members = new ArrayList<>();
        for (Row row : rows) {
            long key = row.getLong(0);
            members.add(new Member(key, UserIdSql.external(key, row.getString(2)), row.getOffsetDateTime(1).toInstant()));
        }
        return members;
    }

    /** A user's current segments with their names and since when. */
    public Uni<List<UserSegment>> segmentsOf(SqlClient db, long userId) {
        return db.preparedQuery("""
                SELECT m.segment_id, s.name, m.added_at FROM segment_membership m JOIN segment s ON s.id = m.segment_id
                WHERE m.user_id = $1 AND m.removed_at IS NULL ORDER BY m.segment_id""")
                .execute(Tuple.of(userId))
                .map(rows -> {
                    List<UserSegment> segments = new ArrayList<>();
                    for (Row row : rows) {
                        segments.add(new UserSegment(row.getLong(0), row.getString(1), row.getOffsetDateTime(2).toInstant()));
                    }
                    return segments;
                });
    }

    /** A segment a user is currently in. */
    public record UserSegment(long segmentId, String name, Instant addedAt) {
    }

    private static Long[] userIds(List<MembershipChange> changes) {
        return changes.stream().map(MembershipChange::userId).toArray(Long[]::new);
    }

    private static Long[] segmentIds(List<MembershipChange> changes) {
        return changes.stream().map(MembershipChange::segmentId).toArray(Long[]::new);
    }
}
