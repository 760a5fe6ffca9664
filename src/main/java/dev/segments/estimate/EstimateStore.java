package dev.segments.estimate;

import dev.segments.rule.Rule;
import dev.segments.rule.SqlCompiler;
import dev.segments.rule.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL of the estimates: the trigger-kept population and data version, and one counting statement
 * over a {@code TABLESAMPLE BERNOULLI} sample (row by row, so the sample is a simple random sample;
 * {@code SYSTEM} would take whole pages and bias the interval) or over every snapshot.
 */
@ApplicationScoped
public class EstimateStore {

    private static final String SAMPLE = "user_attribute_snapshot s TABLESAMPLE BERNOULLI ($1::float4)";
    private static final String ALL = "user_attribute_snapshot s";

    /** Rows counted, and the users matching each node asked for, by JSON Pointer (the whole rule first). */
    record Counts(long rows, List<String> pointers, long[] matches) {
    }

    /** Starts a read-only repeatable-read transaction whose statements may run at most {@code timeout}. */
    Uni<Void> begin(SqlClient db, Duration timeout) {
        return db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
                .chain(() -> timeout(db, timeout));
    }

    /** {@code SET LOCAL statement_timeout}: call it inside a transaction. */
    public static Uni<Void> timeout(SqlClient db, Duration timeout) {
        return db.query("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis())).execute().replaceWithVoid();
    }

    /**
     * The data version (moved by every statement that changed snapshots or memberships, on any
     * instance) and the number of snapshots, both kept by triggers: no table scan.
     */
    Uni<long[]> versionAndPopulation(SqlClient db) {
        return db.query("""
                SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM data_change_seq),
                       (SELECT coalesce(sum(users), 0)::bigint FROM snapshot_count)""").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new long[] {row.getLong(0), row.getLong(1)};
                });
    }

    /** Counts a sample ({@code percent}; null: every snapshot) for the whole rule only. */
    Uni<Counts> count(SqlClient db, Rule rule, Double percent, String pointer) {
        List<Object> args = new ArrayList<>();
        if (percent != null) {
            args.add(percent);
        }
        SqlParams params = new SqlParams(args.size() + 1);
        String where = SqlCompiler.compile(rule, "s.attributes", "s.user_id", params);
        String sql = "SELECT count(*), count(*) FILTER (WHERE " + where + ") FROM " + (percent != null ? SAMPLE : ALL);
        return run(db, sql, args, params, List.of(pointer));
    }

    /** Like {@link #count} for every node of the rule, in {@link NodeColumns#pointers()} order. */
    Uni<Counts> countPerNode(SqlClient db, Rule rule, Double percent, String pointer) {
        List<Object> args = new ArrayList<>();
        if (percent != null) {
            args.add(percent);
        }
        SqlParams params = new SqlParams(args.size() + 1);
        NodeColumns columns = new NodeColumns(rule.toJson(), pointer, params);
        return run(db, columns.countSql(percent != null ? SAMPLE : ALL), args, params, columns.pointers());
    }

    private static Uni<Counts> run(SqlClient db, String sql, List<Object> args, SqlParams params, List<String> pointers) {
        args.addAll(params.values());
        return db.preparedQuery(sql).execute(Tuple.tuple(args)).map(rows -> {
            Row row = rows.iterator().next();
            long[] matches = new long[pointers.size()];
            for (int i = 0; i < matches.length; i++) {
                matches[i] = row.getLong(i + 1);
            }
            return new Counts(row.getLong(0), pointers, matches);
        });
    }
}
