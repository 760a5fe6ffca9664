package dev.segments.membership;

import dev.segments.membership.HistoryEntry.Cause;
import dev.segments.user.UserIdSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the membership event log: a user's history (by the primary key, newest first), a segment's
 * history (newest first) and a segment's changes feed (oldest first, see {@link #changes}), the last
 * two by {@code idx_membership_event_feed (segment_id, feed_key, id)}.
 */
@ApplicationScoped
public class HistoryStore {

    private static final String SELECT = """
            SELECT e.id, e.user_id, e.segment_id, s.name, e.kind, e.occurred_at, e.cause, e.event_id, e.job_id,
                   j.kind, j.triggered_by, e.feed_key::text,
            """ + UserIdSql.allocated("e.user_id") + """

            FROM membership_event e
            LEFT JOIN segment s ON s.id = e.segment_id
            LEFT JOIN segment_compute_job j ON j.id = e.job_id
            """;

    /** One page of a user's joins and leaves, newest first, with ids below {@code beforeId}; optionally one segment's. */
    public Uni<HistoryPage> userHistory(SqlClient db, long userId, Long segmentId, long beforeId, int limit) {
        return db.preparedQuery(SELECT + """
                WHERE e.user_id = $1 AND e.id < $2 AND ($3::bigint IS NULL OR e.segment_id = $3)
                ORDER BY e.id DESC LIMIT $4""")
                .execute(Tuple.of(userId, beforeId, segmentId, limit))
                .map(HistoryStore::page);
    }

    /** Whether the user has a snapshot now, and whether the log holds anything about them. */
    public Uni<boolean[]> userKnown(SqlClient db, long userId) {
        return db.preparedQuery("""
                SELECT EXISTS (SELECT 1 FROM user_attribute_snapshot WHERE user_id = $1),
                       EXISTS (SELECT 1 FROM membership_event WHERE user_id = $1)""")
                .execute(Tuple.of(userId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new boolean[] {row.getBoolean(0), row.getBoolean(1)};
                });
    }

    /** One page of a segment's joins and leaves, newest first, strictly before {@code before}. */
    public Uni<HistoryPage> segmentHistory(SqlClient db, long segmentId, FeedCursor before, int limit) {
        return db.preparedQuery(SELECT + """
                WHERE e.segment_id = $1 AND (e.feed_key, e.id) < ($2::bigint::text::xid8, $3)
                ORDER BY e.feed_key DESC, e.id DESC LIMIT $4""")
                .execute(Tuple.of(segmentId, before.feedKey(), before.id(), limit))
                .map(HistoryStore::page);
    }

    /**
     * One page of a segment's changes feed: the joins and leaves after {@code since} in feed order,
     * {@code (feed_key, id)}, served only when their feed key is older than every transaction still
     * running. Why that makes the feed gap-free for a consumer that polls with the last cursor:
     *
     * <ul>
     * <li>A change not yet visible belongs to a transaction that is still running or has not started,
     * so its id is at least the snapshot's xmin, and its feed key, never below its transaction id, is
     * too. Every change served has a key below that xmin: a change that commits later always sorts
     * after everything already served, so a cursor never passes over it. (Ordering by the serial id
     * alone would skip rows: ids are taken in one order and committed in another.)</li>
     * <li>A key below xmin belongs to a finished transaction: the page is final, not a prefix that
     * could still grow.</li>
     * <li>Per membership, the order is the order in which the changes were made: a transaction that got
     * its id early but waited for the membership row's lock takes the previous change's key when that
     * is larger ({@link MembershipStore#write}), and within one key ids follow the lock order.</li>
     * </ul>
     * The cost: a change is served once every older writing transaction has ended, so a long full
     * compute (of any segment) holds every feed back until it commits; nothing is lost or reordered.
     */
    public Uni<HistoryPage> changes(SqlClient db, long segmentId, FeedCursor since, int limit) {
        return db.preparedQuery(SELECT + """
                WHERE e.segment_id = $1 AND (e.feed_key, e.id) > ($2::bigint::text::xid8, $3)
                  AND e.feed_key < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY e.feed_key, e.id LIMIT $4""")
                .execute(Tuple.of(segmentId, since.feedKey(), since.id(), limit))
                .map(HistoryStore::page);
    }

    private static HistoryPage page(RowSet<Row> rows) {
        List<HistoryEntry> entries = new ArrayList<>(rows.size());
        FeedCursor last = null;
        for (Row row : rows) {
            entries.add(new HistoryEntry(row.getLong(0), UserIdSql.external(row.getLong(1), row.getString(12)),
                    row.getLong(2), row.getString(3), row.getString(4), row.getOffsetDateTime(5).toInstant(),
                    Cause.of(row.getString(6), row.getString(7), row.getLong(8), row.getString(9), row.getString(10))));
            last = new FeedCursor(Long.parseLong(row.getString(11)), row.getLong(0));
        }
        return new HistoryPage(entries, last);
    }

    /** Entries in the order asked for, and the feed position of the last one (null when there is none). */
    public record HistoryPage(List<HistoryEntry> entries, FeedCursor last) {
    }
}
