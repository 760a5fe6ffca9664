package dev.segments.membership;

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
        return db.preparedQuery("SELECT user_id, segment_ids FROM user_segment_set WHERE user_id = ANY($1::bigint[])")
                .execute(Tuple.of((Object) userIds))
                .map(rows -> {
                    Map<Long, Set<Long>> open = new HashMap<>();
                    rows.forEach(row -> open.put(row.getLong(0), segmentSet(row.getArrayOfLongs(1))));
                    return open;
                });
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
     * Writes joins (opening or reopening the row) and leaves, each with its membership event, then the
     * users' {@code user_segment_set} rows (last, in user order: see V13). Each change's feed key (see
     * {@link ChangeFeed}) is this transaction's id, or the key of the previous change of that
     * membership when that is larger; the event carries the same key.
     */
    public Uni<Void> write(SqlClient db, List<MembershipChange> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<MembershipChange> joins = changes.stream().filter(MembershipChange::join).toList();
        List<MembershipChange> leaves = changes.stream().filter(c -> !c.join()).toList();
        return db.preparedQuery("""
                        INSERT INTO segment_membership AS m (segment_id, user_id, added_at, removed_at, feed_key)
                        SELECT s, u, now(), NULL, pg_current_xact_id() FROM unnest($1::bigint[], $2::bigint[]) AS x(s, u)
                        ON CONFLICT (segment_id, user_id) DO UPDATE SET added_at = now(), removed_at = NULL,
                            feed_key = greatest(pg_current_xact_id(), m.feed_key)""")
                .execute(Tuple.of(segmentIds(joins), userIds(joins)))
                .chain(() -> db.preparedQuery("""
                        UPDATE segment_membership m SET removed_at = now(), feed_key = greatest(pg_current_xact_id(), m.feed_key)
                        FROM unnest($1::bigint[], $2::bigint[]) AS x(s, u)
                        WHERE m.segment_id = x.s AND m.user_id = x.u AND m.removed_at IS NULL""")
                        .execute(Tuple.of(segmentIds(leaves), userIds(leaves))))
                .chain(() -> db.preparedQuery("""
                        INSERT INTO membership_event (user_id, segment_id, kind, cause, event_id, job_id, feed_key)
                        SELECT x.u, x.s, x.k, CASE WHEN x.j IS NULL THEN 'event' ELSE 'job' END, x.e, x.j, m.feed_key
                        FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS x(u, s, k, e, j, n)
                        JOIN segment_membership m ON m.segment_id = x.s AND m.user_id = x.u
                        ORDER BY x.n""")
                        .execute(Tuple.of(userIds(changes), segmentIds(changes),
                                changes.stream().map(c -> c.join() ? "join" : "leave").toArray(String[]::new),
                                changes.stream().map(MembershipChange::eventId).toArray(String[]::new),
                                changes.stream().map(MembershipChange::jobId).toArray(Long[]::new))))
                .chain(() -> applySetDeltas(db, changes))
                .replaceWithVoid();
    }

    /**
     * Applies the changes to the users' segment sets: one upsert, rows locked in user order, each
     * user's delta as +segment (join) / -segment (leave). A user without a row gets one (a leave
     * needs an open membership, so a new row only ever receives joins).
     */
    private static Uni<Void> applySetDeltas(SqlClient db, List<MembershipChange> changes) {
        java.util.TreeMap<Long, List<Long>> deltas = new java.util.TreeMap<>();
        for (MembershipChange change : changes) {
            deltas.computeIfAbsent(change.userId(), k -> new ArrayList<>())
                    .add(change.join() ? change.segmentId() : -change.segmentId());
        }
        Long[] users = deltas.keySet().toArray(Long[]::new);
        String[] arrays = deltas.values().stream().map(MembershipStore::arrayLiteral).toArray(String[]::new);
        return db.preparedQuery("""
                        INSERT INTO user_segment_set AS us (user_id, segment_ids)
                        SELECT u, d::bigint[] FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS x(u, d, n) ORDER BY n
                        ON CONFLICT (user_id) DO UPDATE SET segment_ids = segment_set_apply(us.segment_ids, EXCLUDED.segment_ids)""")
                .execute(Tuple.of(users, arrays))
                .replaceWithVoid();
    }

    private static String arrayLiteral(List<Long> ids) {
        StringBuilder text = new StringBuilder("{");
        for (Long id : ids) {
            text.append(text.length() == 1 ? "" : ",").append(id);
        }
        return text.append('}').toString();
    }

    /** One page of a segment's current members, ordered by user id. */
    public Uni<List<Member>> members(SqlClient db, long segmentId, long afterUserId, int limit) {
        return db.preparedQuery("""
                SELECT user_id, added_at FROM segment_membership
                WHERE segment_id = $1 AND removed_at IS NULL AND user_id > $2
                ORDER BY user_id LIMIT $3""")
                .execute(Tuple.of(segmentId, afterUserId, limit))
                .map(rows -> {
                    List<Member> members = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        members.add(new Member(row.getLong(0), row.getOffsetDateTime(1).toInstant()));
                    }
                    return members;
                });
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
