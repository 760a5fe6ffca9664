package dev.segments.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.rule.RuleParser;
import dev.segments.rule.SqlCompiler;
import dev.segments.rule.SqlParams;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statement a full compute runs for one segment, executed in a
 * transaction that is rolled back. The statement text mirrors {@code MembershipDiff} (full-compute
 * form, job id 0); it is a diagnostic copy, so keep it in step when that statement changes.
 */
final class MembershipDiffPlan {

    private static final String STATEMENT = """
            WITH target AS MATERIALIZED (
                SELECT s.user_id FROM user_attribute_snapshot s WHERE (%s)
            ), cur AS MATERIALIZED (
                SELECT m.user_id FROM segment_membership m
                WHERE m.segment_id = $1::bigint AND m.removed_at IS NULL
            ), joins AS (
                INSERT INTO segment_membership AS m (segment_id, user_id, added_at, removed_at)
                SELECT $1::bigint, t.user_id, now(), NULL FROM target t
                WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.user_id = t.user_id)
                ON CONFLICT (segment_id, user_id) DO UPDATE SET added_at = EXCLUDED.added_at, removed_at = NULL
                RETURNING m.user_id
            ), leaves AS (
                UPDATE segment_membership m SET removed_at = now()
                WHERE m.user_id IN (SELECT c.user_id FROM cur c
                                    WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.user_id = c.user_id))
                  AND m.segment_id = $1 AND m.removed_at IS NULL
                RETURNING m.user_id
            ), logged AS (
                INSERT INTO membership_event (user_id, segment_id, kind, cause, job_id)
                SELECT user_id, $1::bigint, 'join', 'job', $2::bigint FROM joins
                UNION ALL
                SELECT user_id, $1::bigint, 'leave', 'job', $2::bigint FROM leaves
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM joins), (SELECT count(*) FROM leaves), (SELECT count(*) FROM cur),
                   (SELECT count(*) FROM logged)
            """;

    private MembershipDiffPlan() {
    }

    static String explain(Pool pool, long segmentId, ObjectNode rule) {
        SqlParams params = new SqlParams(3);
        String where = SqlCompiler.compile(RuleParser.parse(rule, "/rules"), "s.attributes", "s.user_id", params);
        List<Object> args = new ArrayList<>(List.of(segmentId, 0L));
        args.addAll(params.values());
        String sql = "EXPLAIN (ANALYZE, BUFFERS) " + STATEMENT.formatted(where);
        return pool.withConnection(conn -> conn.begin().chain(tx -> conn.preparedQuery(sql).execute(Tuple.tuple(args))
                        .call(tx::rollback)))
                .map(rows -> StreamSupport.stream(rows.spliterator(), false).map((Row row) -> row.getString(0))
                        .collect(Collectors.joining("\n")))
                .await().atMost(Duration.ofMinutes(30));
    }
}
