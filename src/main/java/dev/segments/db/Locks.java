package dev.segments.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Transaction-scoped advisory locks that order the writers of memberships across app instances.
 *
 * <ul>
 * <li>Key 0, the rule catalog: saving a rule takes it exclusively; everything that evaluates rules
 * takes it shared, so an evaluation never mixes rule versions.</li>
 * <li>Key = segment id: a full compute of a segment takes it exclusively; the real-time path and the
 * dirty-user pass take it shared for every segment whose memberships they write, so a full compute
 * never races with a per-user evaluation of the same segment.</li>
 * </ul>
 * Shared locks are always taken in ascending key order, so lockers never deadlock each other.
 */
public final class Locks {

    private static final long CATALOG = 0;

    private Locks() {
    }

    public static Uni<Void> catalogShared(SqlConnection conn) {
        return run(conn, "SELECT count(*) FROM (SELECT pg_advisory_xact_lock_shared($1::bigint)) l", Tuple.of(CATALOG));
    }

    public static Uni<Void> catalogExclusive(SqlConnection conn) {
        return run(conn, "SELECT count(*) FROM (SELECT pg_advisory_xact_lock($1::bigint)) l", Tuple.of(CATALOG));
    }

    public static Uni<Void> segmentExclusive(SqlConnection conn, long segmentId) {
        return run(conn, "SELECT count(*) FROM (SELECT pg_advisory_xact_lock($1::bigint)) l", Tuple.of(segmentId));
    }

    public static Uni<Void> segmentsShared(SqlConnection conn, Collection<Long> segmentIds) {
        if (segmentIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Long[] sorted = new TreeSet<>(segmentIds).toArray(Long[]::new);
        return run(conn, "SELECT count(*) FROM (SELECT pg_advisory_xact_lock_shared(k) FROM unnest($1::bigint[]) AS t(k)) l",
                Tuple.of(sorted));
    }

    private static Uni<Void> run(SqlConnection conn, String sql, Tuple args) {
        return conn.preparedQuery(sql).execute(args).replaceWithVoid();
    }
}
