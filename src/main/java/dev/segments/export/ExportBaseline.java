package dev.segments.export;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What a destination holds of a segment after its successful exports ({@code export_baseline_chunk}),
 * the base of diff exports, and the lock that orders the exports of one (segment, destination) pair.
 *
 * <p>Why a stored set and not a cursor over {@code membership_event}: membership events get their ids
 * when their transaction writes them, not when it commits, so a cursor {@code id > last} can skip an
 * event committed after a later id was read; and a user who joins and leaves between two exports
 * must appear in neither. Comparing the members in one database snapshot with the set last sent is
 * exact in both cases. Only a successful export changes the set, by exactly what it sent, so a failed
 * export never moves the baseline, and the set always equals what a consumer that applied every
 * successful export holds.
 *
 * <p>The set is stored compactly: the members of each range of 4096 user ids
 * ({@code chunk = user_id >> 12}) as one sorted {@code smallint[]} of their offsets in the range
 * ({@code user_id & 4095}), 2 bytes a member. Directory exports compare it with the members in Java
 * ({@link ChunkMerge}, streaming, chunk by chunk); webhook exports ({@link WebhookItems}) in SQL
 * with the statements here: the current members grouped the same way ("member chunks", columns
 * {@code chunk} and {@code ids}) are compared with the stored chunks array by array, and only chunks
 * that differ are unnested and compared offset by offset, and only they are rewritten. All SQL here
 * takes its ids as numbers or bind-parameter markers written by the caller.
 */
final class ExportBaseline {

    /** Bits of a user id below its chunk number. */
    static final int CHUNK_BITS = 12;
    /** A user id's offset in its chunk, as stored. */
    static final String OFFSET = "(user_id & " + ((1 << CHUNK_BITS) - 1) + ")::smallint";

    private ExportBaseline() {
    }

    /** The segment's current members as member chunks. */
    static String memberChunksSql(String segmentId) {
        return "SELECT user_id >> " + CHUNK_BITS + " AS chunk, array_agg(" + OFFSET + " ORDER BY user_id) AS ids "
                + "FROM segment_membership WHERE segment_id = " + segmentId + " AND removed_at IS NULL GROUP BY 1";
    }

    /**
     * The chunks where {@code current} (member chunks) and the baseline differ: columns {@code chunk},
     * {@code cur} and {@code old} (either NULL when that side has no ids there). With {@code replaceAll}
     * a baseline chunk missing from {@code current} differs (it is to be emptied); without, only the
     * chunks {@code current} names are compared.
     */
    static String changedChunksSql(String current, String segmentId, String destinationId, boolean replaceAll) {
        return "SELECT chunk, c.ids AS cur, o.ids AS old FROM (" + current + ") c FULL JOIN ("
                + "SELECT chunk, offsets AS ids FROM export_baseline_chunk WHERE segment_id = " + segmentId
                + " AND destination_id = " + destinationId + ") o USING (chunk) WHERE c.ids IS DISTINCT FROM o.ids"
                + (replaceAll ? "" : " AND c.chunk IS NOT NULL");
    }

    /** Session lock of a (segment, destination) pair; with the transaction-scoped one below, one holder at a time. */
    static void lock(Connection conn, long segmentId, long destinationId) throws SQLException {
        run(conn, "SELECT pg_advisory_lock(?, ?)", segmentId, destinationId);
    }

    static void unlock(Connection conn, long segmentId, long destinationId) throws SQLException {
        run(conn, "SELECT pg_advisory_unlock(?, ?)", segmentId, destinationId);
    }

    static Uni<Void> lockForTransaction(SqlClient db, long segmentId, long destinationId) {
        return db.preparedQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock($1, $2)) l")
                .execute(Tuple.of(key(segmentId), key(destinationId))).replaceWithVoid();
    }

    /**
     * One statement that makes the baseline chunks equal to {@code current} (member chunks) where they
     * differ, and answers one row: {@code entered}, {@code left} (ids added to / dropped from the
     * baseline). With {@code replaceAll} chunks missing from {@code current} are dropped.
     */
    static String advanceSql(String current, long segmentId, long destinationId, boolean replaceAll) {
        String seg = Long.toString(segmentId);
        String dest = Long.toString(destinationId);
        return "WITH d AS MATERIALIZED (" + changedChunksSql(current, seg, dest, replaceAll) + "), "
                + "gone AS (DELETE FROM export_baseline_chunk b USING d WHERE b.segment_id = " + seg
                + " AND b.destination_id = " + dest + " AND b.chunk = d.chunk AND coalesce(cardinality(d.cur), 0) = 0 RETURNING 1), "
                + "put AS (INSERT INTO export_baseline_chunk (segment_id, destination_id, chunk, offsets) SELECT " + seg
                + ", " + dest + ", d.chunk, d.cur FROM d WHERE cardinality(d.cur) > 0 "
                + "ON CONFLICT (segment_id, destination_id, chunk) DO UPDATE SET offsets = EXCLUDED.offsets RETURNING 1) "
                + "SELECT coalesce(sum(CASE WHEN d.old IS NULL THEN coalesce(cardinality(d.cur), 0) "
                + "ELSE (SELECT count(*) FROM export_offsets_minus(d.cur, d.old)) END), 0) AS entered, "
                + "coalesce(sum(CASE WHEN d.cur IS NULL THEN coalesce(cardinality(d.old), 0) "
                + "ELSE (SELECT count(*) FROM export_offsets_minus(d.old, d.cur)) END), 0) AS left, "
                + "(SELECT count(*) FROM gone) + (SELECT count(*) FROM put) AS chunks FROM d";
    }

    /** Advisory lock keys are two int4s: ids folded into that range (a collision only serializes more). */
    private static int key(long id) {
        return (int) (id % Integer.MAX_VALUE);
    }

    private static void run(Connection conn, String sql, long segmentId, long destinationId) throws SQLException {
        try (PreparedStatement statement = conn.prepareStatement(sql)) {
            statement.setInt(1, key(segmentId));
            statement.setInt(2, key(destinationId));
            statement.executeQuery().close();
        }
    }

}
