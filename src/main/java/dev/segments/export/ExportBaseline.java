package dev.segments.export;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What a destination holds of a segment after its successful exports ({@code export_baseline}), the
 * base of diff exports, and the lock that orders the exports of one (segment, destination) pair.
 *
 * <p>Why a stored set and not a cursor over {@code membership_event}: membership events get their ids
 * when their transaction writes them, not when it commits, so a cursor {@code id > last} can skip an
 * event committed after a later id was read; and a user who joins and leaves between two exports
 * must appear in neither. Comparing the members in one database snapshot with the set last sent is
 * exact in both cases, at the cost of one row per (segment, destination, member). Only a successful
 * export changes the set, by exactly what it sent, so a failed export never moves the baseline, and
 * the set always equals what a consumer that applied every successful export holds.
 */
final class ExportBaseline {

    private ExportBaseline() {
    }

    /**
     * The changes between current members and the baseline: columns {@code user_id}, {@code change}
     * ({@code entered} or {@code left}) and {@code added_at}. The ids are bind-parameter markers or
     * numbers written by the caller (a {@code COPY} takes no parameters).
     */
    static String changesSql(String segmentId, String destinationId) {
        return """
                SELECT coalesce(m.user_id, b.user_id) AS user_id,
                       CASE WHEN b.user_id IS NULL THEN 'entered' ELSE 'left' END AS change, m.added_at
                FROM (SELECT user_id, added_at FROM segment_membership WHERE segment_id = %1$s AND removed_at IS NULL) m
                FULL JOIN (SELECT user_id FROM export_baseline WHERE segment_id = %1$s AND destination_id = %2$s) b
                  ON b.user_id = m.user_id
                WHERE m.user_id IS NULL OR b.user_id IS NULL""".formatted(segmentId, destinationId);
    }

    static String membersSql(String segmentId) {
        return "SELECT user_id, 'member' AS change, added_at FROM segment_membership WHERE segment_id = "
                + segmentId + " AND removed_at IS NULL";
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
     * Sets the baseline to the current members as the caller's snapshot sees them (what a file
     * export just wrote, full or diff): answers {entered, left}.
     */
    static long[] advanceToMembers(Connection conn, long segmentId, long destinationId) throws SQLException {
        // set differences (hashed or sorted once) rather than anti-joins: a nested-loop plan over two
        // large sets made these quadratic (10 s for 10,000 unchanged members)
        long left = update(conn, """
                DELETE FROM export_baseline b WHERE b.segment_id = ? AND b.destination_id = ? AND b.user_id IN (
                    SELECT user_id FROM export_baseline WHERE segment_id = ? AND destination_id = ?
                    EXCEPT SELECT user_id FROM segment_membership WHERE segment_id = ? AND removed_at IS NULL)""",
                segmentId, destinationId, segmentId, destinationId, segmentId);
        long entered = update(conn, """
                INSERT INTO export_baseline (segment_id, destination_id, user_id)
                SELECT ?, ?, x.user_id FROM (
                    SELECT user_id FROM segment_membership WHERE segment_id = ? AND removed_at IS NULL
                    EXCEPT SELECT user_id FROM export_baseline WHERE segment_id = ? AND destination_id = ?) AS x""",
                segmentId, destinationId, segmentId, segmentId, destinationId);
        return new long[] {entered, left};
    }

    /**
     * Applies what a webhook export sent (its staged items) to the baseline: a full export replaces
     * it, a diff export adds who entered and drops who left. Answers {entered, left}.
     */
    static Uni<long[]> applySent(SqlClient db, long exportId, long segmentId, long destinationId, ExportMode mode) {
        String dropped = mode == ExportMode.FULL
                ? "NOT EXISTS (SELECT 1 FROM export_item i WHERE i.export_id = $3 AND i.user_id = b.user_id)"
                : "b.user_id IN (SELECT user_id FROM export_item WHERE export_id = $3 AND change = 'left')";
        Tuple args = Tuple.of(segmentId, destinationId, exportId);
        return db.preparedQuery("DELETE FROM export_baseline b WHERE b.segment_id = $1 AND b.destination_id = $2 AND " + dropped)
                .execute(args)
                .chain(deleted -> db.preparedQuery("""
                        INSERT INTO export_baseline (segment_id, destination_id, user_id)
                        SELECT $1, $2, i.user_id FROM export_item i
                        WHERE i.export_id = $3 AND i.change IN ('member', 'entered') AND NOT EXISTS (
                            SELECT 1 FROM export_baseline b WHERE b.segment_id = $1 AND b.destination_id = $2
                              AND b.user_id = i.user_id)""")
                        .execute(args)
                        .map(inserted -> new long[] {inserted.rowCount(), deleted.rowCount()}));
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

    private static long update(Connection conn, String sql, long... args) throws SQLException {
        try (PreparedStatement statement = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setLong(i + 1, args[i]);
            }
            return statement.executeLargeUpdate();
        }
    }
}
