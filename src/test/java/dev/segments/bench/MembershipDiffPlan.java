package dev.segments.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.compute.MembershipDiff;
import dev.segments.rule.RuleParser;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statement a full compute runs for one segment
 * ({@link MembershipDiff}, job id 0), executed in a transaction that is rolled back.
 */
final class MembershipDiffPlan {

    private MembershipDiffPlan() {
    }

    static String explain(Pool pool, long segmentId, ObjectNode rule) {
        MembershipDiff.Statement statement = MembershipDiff.statement(segmentId, RuleParser.parse(rule, "/rules"), 0L,
                java.time.Instant.now());
        String sql = "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql();
        return pool.withConnection(conn -> conn.begin().chain(tx -> conn.preparedQuery(sql).execute(statement.args())
                        .call(tx::rollback)))
                .map(rows -> StreamSupport.stream(rows.spliterator(), false).map((Row row) -> row.getString(0))
                        .collect(Collectors.joining("\n")))
                .await().atMost(Duration.ofMinutes(30));
    }
}
