package dev.segments.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.compute.MembershipEvaluator.Transition;
import dev.segments.config.SegmentsConfig;
import dev.segments.db.Locks;
import dev.segments.membership.MembershipChange;
import dev.segments.membership.MembershipStore;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogCache;
import dev.segments.segment.CatalogSegment;
import dev.segments.user.SnapshotStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dirty-user pass: re-evaluates users whose attributes changed against every segment, batch by
 * batch, with set-based reads and writes (one query for the batch's snapshots, one for their open
 * memberships, one statement per kind of write) and the same in-memory evaluator as the real-time
 * path. Each batch claims its users with {@code FOR UPDATE SKIP LOCKED}, so two instances never
 * process the same user, and clears a flag only if it was not marked again meanwhile (the row lock
 * holds new marks back until the batch commits, which then re-mark it).
 */
@ApplicationScoped
public class IncrementalPass {

    private static final int MAX_BATCHES_PER_PASS = 2_000;

    private final Pool pool;
    private final CatalogCache catalogs;
    private final JobStore jobs;
    private final SegmentsConfig config;
    private final SnapshotStore snapshots;
    private final MembershipStore memberships;

    public IncrementalPass(Pool pool, CatalogCache catalogs, JobStore jobs, SegmentsConfig config, SnapshotStore snapshots,
            MembershipStore memberships) {
        this.snapshots = snapshots;
        this.memberships = memberships;
        this.pool = pool;
        this.catalogs = catalogs;
        this.jobs = jobs;
        this.config = config;
    }

    public Uni<IncrementalResult> run(Trigger trigger) {
        return pool.withConnection(conn -> conn.query("SELECT EXISTS (SELECT 1 FROM dirty_user)").execute()
                .chain(rows -> rows.iterator().next().getBoolean(0)
                        ? catalogs.current(conn).chain(catalog -> runPass(catalog, trigger))
                        : Uni.createFrom().item(new IncrementalResult(0, 0, 0, List.of()))));
    }

    private Uni<IncrementalResult> runPass(Catalog catalog, Trigger trigger) {
        Tally tally = new Tally();
        List<Long> segmentIds = catalog.inDependencyOrder().stream().map(CatalogSegment::id).toList();
        return pool.withTransaction(conn -> jobs.startIncremental(conn, segmentIds, trigger))
                .invoke(tally.jobs::putAll)
                .chain(() -> nextBatch(tally, 0))
                .chain(() -> {
                    Map<Long, long[]> changes = new LinkedHashMap<>();
                    tally.jobs.forEach((segment, job) -> changes.put(job, tally.counts.getOrDefault(segment, new long[2])));
                    return pool.withTransaction(conn -> jobs.finishIncremental(conn, changes, tally.users))
                            .replaceWith(changes.entrySet().stream().filter(c -> c.getValue()[0] + c.getValue()[1] > 0)
                                    .map(Map.Entry::getKey).toList());
                })
                .map(kept -> new IncrementalResult(tally.users, tally.added(), tally.removed(), kept));
    }

    private Uni<Void> nextBatch(Tally tally, int batch) {
        if (batch >= MAX_BATCHES_PER_PASS) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(conn -> processBatch(conn, tally))
                .chain(claimed -> claimed == 0 ? Uni.createFrom().voidItem() : nextBatch(tally, batch + 1));
    }

    private Uni<Integer> processBatch(SqlConnection conn, Tally tally) {
        return Locks.catalogShared(conn)
                .chain(() -> catalogs.current(conn))
                .chain(catalog -> claim(conn).chain(claimed -> {
                    if (claimed.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Long[] users = claimed.keySet().toArray(Long[]::new);
                    List<CatalogSegment> segments = catalog.inDependencyOrder().stream()
                            .filter(s -> tally.jobs.containsKey(s.id())).toList();
                    return Locks.segmentsShared(conn, segments.stream().map(CatalogSegment::id).toList())
                            .chain(() -> snapshots.attributesForEvaluation(conn, users))
                            .chain(attributes -> memberships.openSegments(conn, users)
                                    .map(open -> evaluate(users, attributes, open, segments, tally)))
                            .chain(changes -> memberships.write(conn, changes))
                            .chain(() -> clear(conn, claimed))
                            .invoke(() -> tally.users += users.length)
                            .replaceWith(users.length);
                }));
    }

    /** Claims a batch of dirty users (skipping those another transaction holds): user id → mark seq. */
    private Uni<Map<Long, Long>> claim(SqlConnection conn) {
        return conn.preparedQuery("SELECT user_id, seq FROM dirty_user ORDER BY user_id LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(config.incremental().batchSize()))
                .map(rows -> {
                    Map<Long, Long> claimed = new LinkedHashMap<>();
                    rows.forEach(row -> claimed.put(row.getLong(0), row.getLong(1)));
                    return claimed;
                });
    }

    private static List<MembershipChange> evaluate(Long[] users, Map<Long, ObjectNode> attributes,
            Map<Long, Set<Long>> open, List<CatalogSegment> segments, Tally tally) {
        Instant now = Instant.now();
        List<MembershipChange> changes = new ArrayList<>();
        for (Long user : users) {
            Set<Long> current = new HashSet<>(open.getOrDefault(user, Set.of()));
            ObjectNode attrs = attributes.get(user);
            List<Transition> transitions = attrs == null
                    ? leaveAll(current, segments) // the user was deleted: no segment keeps them
                    : MembershipEvaluator.evaluate(attrs, segments, current, now);
            for (Transition t : transitions) {
                changes.add(MembershipChange.byJob(user, t.segmentId(), t.join(), tally.jobs.get(t.segmentId())));
                tally.add(t.segmentId(), t.join());
            }
        }
        return changes;
    }

    private static List<Transition> leaveAll(Set<Long> current, List<CatalogSegment> segments) {
        return segments.stream().filter(s -> current.contains(s.id())).map(s -> new Transition(s.id(), false)).toList();
    }

    private static Uni<Void> clear(SqlConnection conn, Map<Long, Long> claimed) {
        return conn.preparedQuery("""
                        DELETE FROM dirty_user d USING unnest($1::bigint[], $2::bigint[]) AS c(u, seq)
                        WHERE d.user_id = c.u AND d.seq = c.seq""")
                .execute(Tuple.of(claimed.keySet().toArray(Long[]::new), claimed.values().toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /** Running totals of one pass. */
    private static final class Tally {
        final Map<Long, Long> jobs = new LinkedHashMap<>();
        final Map<Long, long[]> counts = new LinkedHashMap<>();
        long users;

        void add(long segmentId, boolean join) {
            counts.computeIfAbsent(segmentId, k -> new long[2])[join ? 0 : 1]++;
        }

        long added() {
            return counts.values().stream().mapToLong(c -> c[0]).sum();
        }

        long removed() {
            return counts.values().stream().mapToLong(c -> c[1]).sum();
        }
    }
}
