package dev.segments.compute;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SQL by which the dirty-user pass ({@link IncrementalPass}) takes its users: claims of dirty
 * flags, slice by slice in ascending id order, and the lookups of the claimed users' segment sets.
 */
final class DirtyClaims {

    /** Users per claim statement: each slice is evaluated while the database claims the next one. */
    static final int CLAIM_SLICE = 500;

    private DirtyClaims() {
    }

    /** Claims up to {@code batchSize} users, handing each claimed slice to {@code claimed} as it arrives. */
    static Uni<Void> claim(SqlConnection conn, int batchSize, Consumer<List<DirtyUser>> claimed) {
        return claimSlices(conn, Long.MIN_VALUE, batchSize, claimed);
    }

    /** The segment sets of these users, in their order (null: no open membership). */
    static Uni<List<Long[]>> segmentSets(SqlConnection reader, List<DirtyUser> users) {
        return reader.preparedQuery("""
                        SELECT (SELECT us.segment_ids FROM user_segment_set us WHERE us.user_id = u.id)
                        FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n) ORDER BY u.n""")
                .execute(Tuple.of((Object) users.stream().map(DirtyUser::id).toArray(Long[]::new)))
                .map(rows -> {
                    List<Long[]> sets = new ArrayList<>(rows.size());
                    rows.forEach(row -> sets.add(row.getArrayOfLongs(0)));
                    return sets;
                });
    }

    /**
     * Claims up to {@code remaining} users with ids above {@code after}, slice by slice,
     * handing each slice to {@code claimed}; stops at the first slice that comes back short.
     */
    private static Uni<Void> claimSlices(SqlConnection conn, long after, int remaining, Consumer<List<DirtyUser>> claimed) {
        int limit = Math.min(CLAIM_SLICE, remaining);
        return claimSlice(conn, after, limit).chain(slice -> {
            if (!slice.isEmpty()) {
                claimed.accept(slice);
            }
            return slice.size() < limit || remaining == limit
                    ? Uni.createFrom().voidItem()
                    : claimSlices(conn, slice.get(slice.size() - 1).id(), remaining - limit, claimed);
        });
    }

    /**
     * Claims up to $2 dirty users with ids above $1 by deleting their flags, skipping
     * flags another transaction holds, and returns their attributes: the flag's copy (V16), or the
     * snapshot's when the flag has none (null once the user is deleted).
     * The flags stay locked by this transaction until it ends, so no event for these users commits in
     * between (its marking statement waits for the lock and, once this transaction commits, finds no
     * flag and inserts a new one: a user changed meanwhile stays dirty).
     * <p>
     * The locked flags are deleted by their row addresses ({@code ctid}), not looked up again by id,
     * and the rows come back unsorted (the caller sorts them): each costs half the time of a slice.
     * A flag rewritten by a transaction that committed after this statement began (only a copy's
     * refresh, by a trigger) is locked in its new version, which this statement cannot see: it is not
     * deleted and stays dirty, locked until the batch ends, for the next pass.
     */
    private static final String CLAIM = """
            WITH claimed AS (
                DELETE FROM dirty_user WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM dirty_user WHERE user_id > $1 ORDER BY user_id LIMIT $2
                    FOR UPDATE SKIP LOCKED))
                RETURNING user_id, attributes)
            SELECT c.user_id,
                   coalesce(c.attributes,
                            (SELECT s.attributes::text FROM user_attribute_snapshot s WHERE s.user_id = c.user_id))
            FROM claimed c""";

    private static Uni<List<DirtyUser>> claimSlice(SqlConnection conn, long after, int limit) {
        return conn.preparedQuery(CLAIM)
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<DirtyUser> users = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        users.add(new DirtyUser(row.getLong(0), row.getString(1)));
                    }
                    users.sort(Comparator.comparingLong(DirtyUser::id));
                    return users;
                });
    }

    /** A claimed user and their attributes document (null once deleted). */
    record DirtyUser(long id, String attributes) {
    }
}
