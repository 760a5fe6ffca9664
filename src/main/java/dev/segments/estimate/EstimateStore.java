package dev.segments.estimate;

import dev.segments.rule.Rule;
import dev.segments.rule.SqlCompiler;
import dev.segments.rule.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL of the estimates: the trigger-kept population and data version, and one counting statement
 * over a {@code TABLESAMPLE BERNOULLI} sample (row by row, so the sample is a simple random sample;
 * {@code SYSTEM} would take whole pages and bias the interval) or over every snapshot.
 *
 * <p>A sample of at most {@link #STORED_SAMPLE_PERCENT}% is drawn from {@code estimate_sample} (V9),
 * the trigger-kept copy of the users in the first 2% of {@code hashint8(user_id)} buckets, at
 * {@code percent / 2} of its rows: each user is then in the sample with probability
 * {@code percent / 100}, as with a Bernoulli sample of the whole table, but only a table 50 times
 * smaller is read. Larger samples read the whole snapshot table.
 */
@ApplicationScoped
public class EstimateStore {

    /** The share of users (percent) that {@code estimate_sample} holds: {@code estimate_sample_buckets()} of 10,000. */
    static final double STORED_SAMPLE_PERCENT = 2;

    private static final String SAMPLE = "user_attribute_snapshot s TABLESAMPLE BERNOULLI ($1::float4)";
    private static final String STORED_SAMPLE = "estimate_sample s TABLESAMPLE BERNOULLI ($1::float4)";
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
    Uni<Counts> count(SqlClient db, Rule rule, Double percent, String pointer, Instant now) {
        List<Object> args = new ArrayList<>();
        String from = from(percent, args);
        SqlParams params = new SqlParams(args.size() + 1);
        String where = SqlCompiler.compile(rule, "s.attributes", "s.user_id", params, now);
        String sql = "SELECT count(*), count(*) FILTER (WHERE " + where + ") FROM " + from;
        return run(db, sql, args, params, List.of(pointer));
    }

    /**
     * The FROM item of a sample of {@code percent} (null: every snapshot), adding its argument: the
     * stored sample for small percents, at the rate that gives every user the same {@code percent}.
     */
    static String from(Double percent, List<Object> args) {
        if (percent == null) {
            return ALL;
        }
        if (percent <= STORED_SAMPLE_PERCENT) {
            args.add(percent * 100 / STORED_SAMPLE_PERCENT);
            return STORED_SAMPLE;
        }
        args.add(percent);
        return SAMPLE;
    }

    /** Like {@link #count} for every node of the rule, in {@link NodeColumns#pointers()} order. */
    Uni<Counts> countPerNode(SqlClient db, Rule rule, Double percent, String pointer, Instant now) {
        List<Object> args = new ArrayList<>();
        String from = from(percent, args);
        SqlParams params = new SqlParams(args.size() + 1);
        NodeColumns columns = new NodeColumns(rule.toJson(), pointer, params, now);
        return run(db, columns.countSql(from), args, params, columns.pointers());
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
