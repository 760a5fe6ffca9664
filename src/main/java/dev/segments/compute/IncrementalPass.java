package dev.segments.compute;

import dev.segments.compute.MembershipEvaluator.Transition;
import dev.segments.config.SegmentsConfig;
import dev.segments.db.Locks;
import dev.segments.membership.MembershipChange;
import dev.segments.membership.MembershipStore;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogCache;
import dev.segments.segment.CatalogSegment;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The dirty-user pass: re-evaluates users whose attributes changed against every segment, batch by
 * batch, with the same in-memory evaluator as the real-time path and two statements per batch besides
 * the locks: the claim (which takes the users' flags with {@code FOR UPDATE SKIP LOCKED}, so two
 * instances never process the same user) with the read of their snapshots and segment sets, and the writes.
 * Phase times of each pass are logged at debug level.
 */
@ApplicationScoped
public class IncrementalPass {

    private static final Logger LOG = Logger.getLogger(IncrementalPass.class);

    private static final int MAX_BATCHES_PER_PASS = 2_000;

    /** Below this many users per core a batch is evaluated in fewer parts (handing work over costs too). */
    private static final int MIN_USERS_PER_PART = 500;

    private final Pool pool;
    private final CatalogCache catalogs;
    private final JobStore jobs;
    private final SegmentsConfig config;
    private final MembershipStore memberships;
    /** The job rows of the passes running on this instance now. */
    private final Set<Long> openJobs = ConcurrentHashMap.newKeySet();

    public IncrementalPass(Pool pool, CatalogCache catalogs, JobStore jobs, SegmentsConfig config,
            MembershipStore memberships) {
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
                .chain(catalog -> {
                    List<CatalogSegment> segments = catalog.inDependencyOrder().stream()
                            .filter(s -> tally.jobs.containsKey(s.id())).toList();
                    return Locks.segmentsShared(conn, segments.stream().map(CatalogSegment::id).toList())
                            .chain(() -> claimAndRead(conn))
                            .chain(batch -> {
                                tally.phase(Phase.CLAIM_AND_READ);
                                if (batch.isEmpty()) {
                                    return Uni.createFrom().item(0);
                                }
                                return evaluate(batch, segments, tally.jobs).chain(changes -> {
                                    changes.forEach(change -> tally.add(change.segmentId(), change.join()));
                                    tally.phase(Phase.EVALUATE);
                                    return memberships.write(conn, changes);
                                }).invoke(() -> {
                                    tally.phase(Phase.WRITE);
                                    tally.users += batch.size();
                                }).replaceWith(batch.size());
                            });
                });
    }

    /**
     * Claims a batch of dirty users by deleting their flags, skipping flags another transaction holds,
     * and reads their attributes (null for a deleted user) and current segments, in one statement.
     * A user marked again while the batch runs stays dirty: the marking statement waits for this
     * transaction's row lock and, once it commits, finds no flag and inserts a new one. The statement
     * runs after the segment locks are taken, so it sees every membership written before them.
     */
    private Uni<List<DirtyUser>> claimAndRead(SqlConnection conn) {
        return conn.preparedQuery("""
                        WITH claimed AS (
                            DELETE FROM dirty_user WHERE user_id IN (
                                SELECT user_id FROM dirty_user ORDER BY user_id LIMIT $1 FOR UPDATE SKIP LOCKED)
                            RETURNING user_id)
                        SELECT c.user_id, s.attributes::text, us.segment_ids
                        FROM claimed c
                        LEFT JOIN user_attribute_snapshot s ON s.user_id = c.user_id
                        LEFT JOIN user_segment_set us ON us.user_id = c.user_id""")
                .execute(Tuple.of(config.incremental().batchSize()))
                .map(rows -> {
                    List<DirtyUser> batch = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        batch.add(new DirtyUser(row.getLong(0), row.getString(1), row.getArrayOfLongs(2)));
                    }
                    return batch;
                });
    }

    /** A claimed user: their attributes document (null once deleted) and the segment set read with it. */
    private record DirtyUser(long id, String attributes, Long[] segmentSet) {
    }

    /**
     * Parses and evaluates the batch on the worker pool, in as many parts as there are cores (the
     * event loop stays free); the changes come back in the batch's order.
     */
    private static Uni<List<MembershipChange>> evaluate(List<DirtyUser> batch, List<CatalogSegment> segments,
            Map<Long, Long> jobs) {
        UsedAttributes parser = new UsedAttributes(segments);
        Instant now = Instant.now();
        int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), batch.size() / MIN_USERS_PER_PART));
        int size = (batch.size() + parts - 1) / parts;
        List<Uni<List<MembershipChange>>> work = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += size) {
            List<DirtyUser> part = batch.subList(from, Math.min(batch.size(), from + size));
            work.add(Uni.createFrom().item(() -> evaluate(part, segments, parser, jobs, now))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
        }
        return Uni.join().all(work).andFailFast().map(results -> {
            List<MembershipChange> changes = new ArrayList<>();
            results.forEach(changes::addAll);
            return changes;
        });
    }

    private static List<MembershipChange> evaluate(List<DirtyUser> part, List<CatalogSegment> segments, UsedAttributes parser,
            Map<Long, Long> jobs, Instant now) {
        List<MembershipChange> changes = new ArrayList<>();
        for (DirtyUser user : part) {
            Set<Long> open = MembershipStore.segmentSet(user.segmentSet());
            List<Transition> transitions = user.attributes() == null
                    ? leaveAll(open, segments) // the user was deleted: no segment keeps them
                    : MembershipEvaluator.evaluate(parser.parse(user.attributes()), segments, open, now);
            for (Transition t : transitions) {
                changes.add(MembershipChange.byJob(user.id(), t.segmentId(), t.join(), jobs.get(t.segmentId())));
            }
        }
        return changes;
    }

    private static List<Transition> leaveAll(Set<Long> current, List<CatalogSegment> segments) {
        return segments.stream().filter(s -> current.contains(s.id())).map(s -> new Transition(s.id(), false)).toList();
    }

    /** The steps of a batch, timed for the debug log. */
    private enum Phase { CLAIM_AND_READ, EVALUATE, WRITE }

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
