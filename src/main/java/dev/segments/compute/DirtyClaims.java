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
 * flags, slice by slice in ascending id order, each returning what the pass evaluates.
 */
final class DirtyClaims {

    /** Users per claim statement: each slice is evaluated while the database claims the next one. */
    static final int CLAIM_SLICE = 500;

    private DirtyClaims() {
    }

    /**
     * Claims up to {@code batchSize} users, handing each claimed slice to {@code claimed} as it arrives,
     * in id order. The slices' id ranges are read first (one index-only scan), then every slice's
     * claim is sent at once: the connection pipelines them, so the database claims slice after slice
     * without waiting for this side to receive each one and ask for the next.
     */
    static Uni<Void> claim(SqlConnection conn, int batchSize, Consumer<List<DirtyUser>> claimed) {
        return conn.preparedQuery(SLICE_BOUNDS).execute(Tuple.of(batchSize, CLAIM_SLICE)).chain(bounds -> {
            List<Uni<List<DirtyUser>>> slices = new ArrayList<>();
            long lower = Long.MIN_VALUE;
            for (Row bound : bounds) {
                long upper = bound.getLong(0);
                slices.add(claimSlice(conn, lower, upper).invoke(slice -> {
                    if (!slice.isEmpty()) {
                        claimed.accept(slice);
                    }
                }));
                lower = upper;
            }
            return slices.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(slices).andFailFast().replaceWithVoid();
        });
    }

    /** The highest id of each slice of $2 among the first $1 flags, in id order. */
    private static final String SLICE_BOUNDS = """
            SELECT max(user_id) FROM (
                SELECT user_id, (row_number() OVER (ORDER BY user_id) - 1) / $2 AS slice
                FROM (SELECT user_id FROM dirty_user ORDER BY user_id LIMIT $1) first) numbered
            GROUP BY slice ORDER BY slice""";

    /**
     * Claims up to $3 dirty users with ids above $1 and up to $2 by deleting their flags, skipping
     * flags another transaction holds, and returns their attributes: the flag's copy (V16), or the
     * snapshot's when the flag has none (null once the user is deleted); and their segment sets: the
     * flag's copy while its epoch is current (V17), or else the user's {@code user_segment_set} row
     * (null: no open membership). Reading the epoch here, after the batch took its segments' locks,
     * is enough: no full compute of those segments, nor any segment's deletion, can commit before the
     * batch does.
     * The flags stay locked by this transaction until it ends, so no event for these users commits in
     * between (its marking statement waits for the lock and, once this transaction commits, finds no
     * flag and inserts a new one: a user changed meanwhile stays dirty).
     * <p>
     * The locked flags are deleted by their row addresses ({@code ctid}), not looked up again by id,
     * and the rows come back unsorted (sorted in Java): together, half the time of a slice with
     * {@code user_id IN (…)} and {@code ORDER BY}.
     * A flag rewritten by a transaction that committed after this statement began (only a copy's
     * refresh, by a trigger) is locked in its new version, which this statement cannot see: it is not
     * deleted and stays dirty, locked until the batch ends, for the next pass.
     */
    private static final String CLAIM = """
            WITH claimed AS (
                DELETE FROM dirty_user WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM dirty_user WHERE user_id > $1 AND user_id <= $2 ORDER BY user_id LIMIT $3
                    FOR UPDATE SKIP LOCKED))
                RETURNING user_id, attributes, segment_ids, set_epoch)
            SELECT c.user_id,
                   coalesce(c.attributes,
                            (SELECT s.attributes::text FROM user_attribute_snapshot s WHERE s.user_id = c.user_id)),
                   CASE WHEN c.set_epoch = (SELECT e.epoch FROM segment_set_epoch e) THEN c.segment_ids
                        ELSE (SELECT us.segment_ids FROM user_segment_set us WHERE us.user_id = c.user_id) END
            FROM claimed c""";

    private static Uni<List<DirtyUser>> claimSlice(SqlConnection conn, long after, long upTo) {
        return conn.preparedQuery(CLAIM)
                .execute(Tuple.of(after, upTo, CLAIM_SLICE))
                .map(rows -> {
                    List<DirtyUser> users = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        users.add(new DirtyUser(row.getLong(0), row.getString(1), row.getArrayOfLongs(2)));
                    }
                    users.sort(Comparator.comparingLong(DirtyUser::id));
                    return users;
                });
    }

    /** A claimed user, their attributes document (null once deleted) and their segment set (null: none). */
    record DirtyUser(long id, String attributes, Long[] segmentIds) {
    }
}
