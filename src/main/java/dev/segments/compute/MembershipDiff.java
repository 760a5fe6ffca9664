package dev.segments.compute;

import dev.segments.membership.MembershipStore;
import dev.segments.rule.Rule;
import dev.segments.rule.SqlCompiler;
import dev.segments.rule.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One set-based statement that brings a segment's membership in line with its rule: it evaluates the
 * compiled rule over every snapshot, compares with the open memberships, writes joins and leaves with
 * their membership events (with their feed keys, see {@code MembershipStore#write}) and the users'
 * segment sets (V13: one upsert, in user order, after the membership writes), and counts them. A segment whose membership is already right is not
 * written at all.
 *
 * <p>The comparison is a FULL JOIN of the two sets, which PostgreSQL can only run as a hash or merge
 * join: the cost stays linear even when the statistics of a freshly written membership table make
 * the planner believe a segment has one member.
 */
public final class MembershipDiff {

    /** The users who would join ({@code joining}) or leave segment {@code $1} under the rule: CTE {@code diff}. */
    private static final String DIFF = """
            WITH target AS MATERIALIZED (
                SELECT s.user_id FROM user_attribute_snapshot s WHERE %s
            ), cur AS MATERIALIZED (
                SELECT m.user_id FROM segment_membership m
                WHERE m.segment_id = $1::bigint AND m.removed_at IS NULL
            ), diff AS MATERIALIZED (
                SELECT coalesce(t.user_id, c.user_id) AS user_id, c.user_id IS NULL AS joining
                FROM target t FULL JOIN cur c ON c.user_id = t.user_id
                WHERE t.user_id IS NULL OR c.user_id IS NULL
            )
            """;

    private static final String SQL = DIFF + """
            , joins AS (
                INSERT INTO segment_membership AS m (segment_id, user_id, added_at, removed_at, feed_key)
                SELECT $1::bigint, d.user_id, now(), NULL, pg_current_xact_id() FROM diff d WHERE d.joining
                ON CONFLICT (segment_id, user_id) DO UPDATE SET added_at = EXCLUDED.added_at, removed_at = NULL,
                    feed_key = greatest(EXCLUDED.feed_key, m.feed_key)
                RETURNING m.user_id, m.feed_key
            ), leaves AS (
                UPDATE segment_membership m SET removed_at = now(), feed_key = greatest(pg_current_xact_id(), m.feed_key)
                FROM diff d
                WHERE NOT d.joining AND m.segment_id = $1::bigint AND m.user_id = d.user_id AND m.removed_at IS NULL
                RETURNING m.user_id, m.feed_key
            ), logged AS (
                INSERT INTO membership_event (user_id, segment_id, kind, cause, job_id, feed_key)
                SELECT user_id, $1::bigint, 'join', 'job', $2::bigint, feed_key FROM joins
                UNION ALL
                SELECT user_id, $1::bigint, 'leave', 'job', $2::bigint, feed_key FROM leaves
                RETURNING 1
            ), sets AS (
                INSERT INTO user_segment_set AS us (user_id, segment_ids)
                SELECT user_id, ARRAY[d] FROM (
                    SELECT user_id, $1::bigint AS d FROM joins UNION ALL SELECT user_id, -$1::bigint FROM leaves) x
                ORDER BY user_id
                ON CONFLICT (user_id) DO UPDATE SET segment_ids = segment_set_apply_one(us.segment_ids, EXCLUDED.segment_ids[1])
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM joins), (SELECT count(*) FROM leaves), (SELECT count(*) FROM cur),
                   (SELECT count(*) FROM logged), (SELECT count(*) FROM sets)
            """;

    private static final String PREVIEW = DIFF + """
            SELECT (SELECT count(*) FROM diff WHERE joining), (SELECT count(*) FROM diff WHERE NOT joining),
                   (SELECT count(*) FROM cur),
                   ARRAY(SELECT user_id FROM diff WHERE joining ORDER BY user_id LIMIT $2::int),
                   ARRAY(SELECT user_id FROM diff WHERE NOT joining ORDER BY user_id LIMIT $2::int)
            """;

    private MembershipDiff() {
    }

    /** The statement's text and arguments, e.g. for EXPLAIN. */
    public record Statement(String sql, Tuple args) {
    }

    /** @param now the instant the rule is evaluated at (time conditions); bound as a parameter */
    public static Statement statement(long segmentId, Rule rule, long jobId, Instant now) {
        return statement(SQL, segmentId, rule, jobId, now);
    }

    /**
     * The same comparison without writing anything: one row of joins, leaves, current members, and
     * the first {@code sampleSize} user ids joining and leaving. Its counts are what a full compute
     * with this rule would write at {@code now}, if nothing changes in between.
     */
    public static Statement preview(long segmentId, Rule rule, int sampleSize, Instant now) {
        return statement(PREVIEW, segmentId, rule, sampleSize, now);
    }

    private static Statement statement(String sql, long segmentId, Rule rule, Object second, Instant now) {
        List<Object> args = new ArrayList<>(List.of(segmentId, second));
        SqlParams params = new SqlParams(args.size() + 1);
        String where = SqlCompiler.compile(rule, "s.attributes", "s.user_id", params, now);
        args.addAll(params.values());
        return new Statement(sql.formatted(where), Tuple.tuple(args));
    }

    static Uni<DiffCounts> apply(SqlClient db, long segmentId, Rule rule, long jobId, Instant now) {
        Statement statement = statement(segmentId, rule, jobId, now);
        return db.preparedQuery(statement.sql()).execute(statement.args()).chain(rows -> {
            Row row = rows.iterator().next();
            long added = row.getLong(0);
            long removed = row.getLong(1);
            DiffCounts counts = new DiffCounts(null, added, removed, row.getLong(2) + added - removed);
            // segment sets written without the users' dirty flags: their copies on the flags are stale (V17)
            return added + removed == 0 ? Uni.createFrom().item(counts)
                    : MembershipStore.bumpSetEpoch(db).replaceWith(counts);
        });
    }
}
