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
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The dirty-user pass: re-evaluates users whose attributes changed against every segment, batch by
 * batch, with the same in-memory evaluator as the real-time path and three statements per batch: the
 * claim (which takes the users' flags with {@code FOR UPDATE SKIP LOCKED}, so two instances never
 * process the same user), one read of the users' snapshots and open memberships, and the writes.
 * Phase times of each pass are logged at debug level.
 */
@ApplicationScoped
public class IncrementalPass {

    private static final Logger LOG = Logger.getLogger(IncrementalPass.class);

    private static final int MAX_BATCHES_PER_PASS = 2_000;

    private final Pool pool;
    private final CatalogCache catalogs;
    private final JobStore jobs;
    private final SegmentsConfig config;
    private final SnapshotStore snapshots;
    private final MembershipStore memberships;
    /** The job rows of the passes running on this instance now. */
    private final Set<Long> openJobs = ConcurrentHashMap.newKeySet();

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
                .invoke(started -> {
                    tally.jobs.putAll(started);
                    openJobs.addAll(started.values());
                })
                .chain(() -> nextBatch(tally, 0))
                .chain(() -> {
                    Map<Long, long[]> changes = new LinkedHashMap<>();
                    tally.jobs.forEach((segment, job) -> changes.put(job, tally.counts.getOrDefault(segment, new long[2])));
                    return pool.withTransaction(conn -> jobs.finishIncremental(conn, changes, tally.users))
                            .replaceWith(changes.entrySet().stream().filter(c -> c.getValue()[0] + c.getValue()[1] > 0)
                                    .map(Map.Entry::getKey).toList());
                })
                .onTermination().invoke(() -> openJobs.removeAll(tally.jobs.values()))
                .map(kept -> {
                    LOG.debugf("incremental pass: %d users, +%d/-%d; %s", tally.users, tally.added(), tally.removed(),
                            tally.phases());
                    return new IncrementalResult(tally.users, tally.added(), tally.removed(), kept);
                });
    }

    /** The job rows of the passes in progress on this instance (others of its rows still running were abandoned). */
    public Set<Long> openJobs() {
        return Set.copyOf(openJobs);
    }

    private Uni<Void> nextBatch(Tally tally, int batch) {
        if (batch >= MAX_BATCHES_PER_PASS) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(conn -> processBatch(conn, tally))
                .chain(claimed -> claimed == 0 ? Uni.createFrom().voidItem() : nextBatch(tally, batch + 1));
    }

    private Uni<Integer> processBatch(SqlConnection conn, Tally tally) {
        tally.phase(null);
        return Locks.catalogShared(conn)
                .chain(() -> catalogs.current(conn))
                .chain(catalog -> claim(conn).chain(users -> {
                    tally.phase(Phase.CLAIM);
                    if (users.length == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<CatalogSegment> segments = catalog.inDependencyOrder().stream()
                            .filter(s -> tally.jobs.containsKey(s.id())).toList();
                    return Locks.segmentsShared(conn, segments.stream().map(CatalogSegment::id).toList())
                            .chain(() -> read(conn, users))
                            .invoke(() -> tally.phase(Phase.READ))
                            .map(batch -> evaluate(batch, segments, tally))
                            .invoke(() -> tally.phase(Phase.EVALUATE))
                            .chain(changes -> memberships.write(conn, changes))
                            .invoke(() -> {
                                tally.phase(Phase.WRITE);
                                tally.users += users.length;
                            })
                            .replaceWith(users.length);
                }));
    }

    /**
     * Claims a batch of dirty users by deleting their flags, skipping flags another transaction holds.
     * A user marked again while the batch runs stays dirty: the marking statement waits for this
     * transaction's row lock and, once it commits, finds no flag and inserts a new one.
     */
    private Uni<Long[]> claim(SqlConnection conn) {
        return conn.preparedQuery("""
                        DELETE FROM dirty_user WHERE user_id IN (
                            SELECT user_id FROM dirty_user ORDER BY user_id LIMIT $1 FOR UPDATE SKIP LOCKED)
                        RETURNING user_id""")
                .execute(Tuple.of(config.incremental().batchSize()))
                .map(rows -> {
                    Long[] users = new Long[rows.size()];
                    int i = 0;
                    for (Row row : rows) {
                        users[i++] = row.getLong(0);
                    }
                    Arrays.sort(users);
                    return users;
                });
    }

    /**
     * The claimed users' attributes (null for a deleted user) and open memberships, in one statement.
     * It runs after the claim, so it sees every change committed before the flags were taken.
     */
    private Uni<List<DirtyUser>> read(SqlConnection conn, Long[] users) {
        return conn.preparedQuery("""
                        WITH memberships AS (
                            SELECT user_id, array_agg(segment_id) AS segments FROM segment_membership
                            WHERE user_id = ANY($1::bigint[]) AND removed_at IS NULL GROUP BY user_id)
                        SELECT u.id, s.attributes::text, o.segments
                        FROM unnest($1::bigint[]) AS u(id)
                        LEFT JOIN user_attribute_snapshot s ON s.user_id = u.id
                        LEFT JOIN memberships o ON o.user_id = u.id""")
                .execute(Tuple.of((Object) users))
                .map(rows -> {
                    List<DirtyUser> batch = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        String attributes = row.getString(1);
                        Set<Long> open = new HashSet<>();
                        Long[] segments = row.getArrayOfLongs(2);
                        if (segments != null) {
                            Collections.addAll(open, segments);
                        }
                        batch.add(new DirtyUser(row.getLong(0), attributes == null ? null : snapshots.forEvaluation(attributes),
                                open));
                    }
                    return batch;
                });
    }

    /** A claimed user: attributes (null once deleted) and the segments they are in now. */
    private record DirtyUser(long id, ObjectNode attributes, Set<Long> open) {
    }

    private static List<MembershipChange> evaluate(List<DirtyUser> batch, List<CatalogSegment> segments, Tally tally) {
        Instant now = Instant.now();
        List<MembershipChange> changes = new ArrayList<>();
        for (DirtyUser user : batch) {
            List<Transition> transitions = user.attributes() == null
                    ? leaveAll(user.open(), segments) // the user was deleted: no segment keeps them
                    : MembershipEvaluator.evaluate(user.attributes(), segments, user.open(), now);
            for (Transition t : transitions) {
                changes.add(MembershipChange.byJob(user.id(), t.segmentId(), t.join(), tally.jobs.get(t.segmentId())));
                tally.add(t.segmentId(), t.join());
            }
        }
        return changes;
    }

    private static List<Transition> leaveAll(Set<Long> current, List<CatalogSegment> segments) {
        return segments.stream().filter(s -> current.contains(s.id())).map(s -> new Transition(s.id(), false)).toList();
    }

    /** The steps of a batch, timed for the debug log. */
    private enum Phase { CLAIM, READ, EVALUATE, WRITE }

    /** Running totals of one pass. */
    private static final class Tally {
        final Map<Long, Long> jobs = new LinkedHashMap<>();
        final Map<Long, long[]> counts = new LinkedHashMap<>();
        final long[] phaseNanos = new long[Phase.values().length];
        long phaseStart;
        long users;

        /** Ends the timing of {@code phase} (none: starts timing a batch). */
        void phase(Phase phase) {
            long now = System.nanoTime();
            if (phase != null) {
                phaseNanos[phase.ordinal()] += now - phaseStart;
            }
            phaseStart = now;
        }

        String phases() {
            StringBuilder text = new StringBuilder();
            for (Phase phase : Phase.values()) {
                text.append(text.isEmpty() ? "" : ", ").append(phase.name().toLowerCase(Locale.ROOT))
                        .append(String.format(Locale.ROOT, " %.1f ms", phaseNanos[phase.ordinal()] / 1e6));
            }
            return text.toString();
        }

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
