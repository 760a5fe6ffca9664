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
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The dirty-user pass: re-evaluates users whose attributes changed against every segment, batch by
 * batch, with the same in-memory evaluator as the real-time path. Per batch, besides the locks: claims
 * in slices ({@link DirtyClaims}), each of which takes the users' flags with
 * {@code FOR UPDATE SKIP LOCKED} (so two instances never process the same user) and returns the
 * copies of their attributes (V16) and segment sets (V17) the flags carry, and is evaluated on the
 * worker pool while the next slice is claimed; then the job rows of the segments the batch is the first to
 * change, and one statement for the writes. A pass that changes nothing records no job row.
 * Phase times of each pass are logged at debug level.
 */
@ApplicationScoped
public class IncrementalPass {

    private static final Logger LOG = Logger.getLogger(IncrementalPass.class);

    private static final int MAX_BATCHES_PER_PASS = 2_000;

    /**
     * For a batch that changed no membership: its commit only deletes flags, so it need not wait for
     * the disk. Lost in a crash, it is as if it never ran: the flags come back (with everything else
     * the transaction did, atomically) and the next pass re-checks those users. Nothing of it was
     * visible outside in the meantime but the flags' absence. A batch that writes memberships commits
     * durably, as everything else does: its history may be read and exported at once.
     */
    private static final String COMMIT_WITHOUT_WAITING = "SET LOCAL synchronous_commit = off";

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
        OffsetDateTime[] startedAt = new OffsetDateTime[1];
        return pool.withConnection(conn -> conn.query("SELECT EXISTS (SELECT 1 FROM dirty_user), now()").execute()
                        .chain(rows -> {
                            Row row = rows.iterator().next();
                            startedAt[0] = row.getOffsetDateTime(1);
                            return row.getBoolean(0) ? catalogs.current(conn) : Uni.createFrom().<Catalog>nullItem();
                        }))
                .chain(catalog -> catalog == null
                        ? Uni.createFrom().item(new IncrementalResult(0, 0, 0, List.of()))
                        : runPass(catalog, trigger, startedAt[0]));
    }

    /** @param startedAt the database's time when the pass began: the start of every job row it records */
    private Uni<IncrementalResult> runPass(Catalog catalog, Trigger trigger, OffsetDateTime startedAt) {
        PassTally tally = new PassTally(catalog.inDependencyOrder().stream().map(CatalogSegment::id).toList(), trigger,
                startedAt);
        long start = System.nanoTime();
        return nextBatch(tally, 0)
                .chain(() -> {
                    Map<Long, long[]> changes = tally.changesByJob();
                    if (changes.isEmpty()) {
                        return Uni.createFrom().item(List.<Long>of());
                    }
                    PassTally.Timer finishTimer = tally.timer();
                    return pool.withTransaction(conn -> jobs.finishIncremental(conn, changes, tally.users()))
                            .invoke(() -> finishTimer.end(PassTally.Phase.JOBS))
                            .replaceWith(List.copyOf(changes.keySet()));
                })
                .onTermination().invoke(() -> openJobs.removeAll(tally.jobIds()))
                .map(kept -> {
                    LOG.debugf("incremental pass: %d users, +%d/-%d in %.1f ms; %s", tally.users(),
                            tally.added(), tally.removed(), (System.nanoTime() - start) / 1e6, tally.phases());
                    return new IncrementalResult(tally.users(), tally.added(), tally.removed(), kept);
                });
    }

    /** The job rows of the passes in progress on this instance (others of its rows still running were abandoned). */
    public Set<Long> openJobs() {
        return Set.copyOf(openJobs);
    }

    private Uni<Void> nextBatch(PassTally tally, int batch) {
        if (batch >= MAX_BATCHES_PER_PASS) {
            return Uni.createFrom().voidItem();
        }
        // a batch that claimed fewer users than it could found no more flags free (more may be set meanwhile:
        // the next pass takes them)
        return pool.withTransaction(conn -> processBatch(conn, tally))
                .chain(claimed -> claimed < config.incremental().batchSize()
                        ? Uni.createFrom().voidItem() : nextBatch(tally, batch + 1));
    }

    private Uni<Integer> processBatch(SqlConnection conn, PassTally tally) {
        PassTally.Timer timer = tally.timer();
        return Locks.catalogShared(conn)
                .chain(() -> catalogs.current(conn))
                .chain(catalog -> {
                    List<CatalogSegment> segments = catalog.inDependencyOrder().stream()
                            .filter(s -> tally.segments.contains(s.id())).toList();
                    return Locks.segmentsShared(conn, segments.stream().map(CatalogSegment::id).toList())
                            .invoke(() -> timer.end(PassTally.Phase.LOCKS))
                            .chain(() -> claimAndEvaluate(conn, segments, tally, timer))
                            .chain(batch -> {
                                timer.end(PassTally.Phase.CLAIM_AND_EVALUATE);
                                if (batch.transitions().isEmpty()) {
                                    tally.add(batch.users(), List.of());
                                    return conn.query(COMMIT_WITHOUT_WAITING).execute().replaceWith(batch.users());
                                }
                                return startJobs(conn, tally, batch.transitions())
                                        .invoke(() -> timer.end(PassTally.Phase.JOBS))
                                        .chain(() -> {
                                            List<MembershipChange> changes = batch.transitions().stream()
                                                    .map(t -> MembershipChange.byJob(t.userId(), t.segmentId(), t.join(),
                                                            tally.job(t.segmentId())))
                                                    .toList();
                                            return memberships.write(conn, changes).invoke(() -> {
                                                timer.end(PassTally.Phase.WRITE);
                                                tally.add(batch.users(), changes);
                                            });
                                        })
                                        .replaceWith(batch.users());
                            });
                });
    }

    /**
     * Inserts, in the batch's transaction, the job rows of the segments this batch is the first to
     * change, and counts them open before the batch commits them (so no heartbeat takes them for
     * abandoned). A pass that changes nothing records no job row.
     */
    private Uni<Void> startJobs(SqlConnection conn, PassTally tally, List<UserTransition> transitions) {
        Set<Long> changed = new HashSet<>();
        transitions.forEach(t -> changed.add(t.segmentId()));
        List<Long> missing = tally.withoutJob(changed);
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return jobs.startIncremental(conn, missing, tally.trigger, tally.startedAt).invoke(started -> {
            tally.addJobs(started);
            openJobs.addAll(started.values());
        }).replaceWithVoid();
    }

    /** The users a batch claimed and the joins and leaves their evaluation found, in the users' order. */
    private record Claimed(int users, List<UserTransition> transitions) {
    }

    /** A join ({@code join}) or a leave of one segment by one user. */
    private record UserTransition(long userId, long segmentId, boolean join) {
    }

    /**
     * Claims a batch of dirty users slice by slice, in ascending id order, and evaluates each slice on
     * the worker pool as soon as it has arrived, while the database claims the next one. A slice
     * brings each user's attributes and segment set, copied on the flags (V16, V17) or read by the
     * claim itself; from the claim until the batch commits nothing can change a claimed user's open
     * memberships: an event marks its users before it writes anything and waits for the claimed flag;
     * so does a user's deletion; a full compute of a segment waits for the segment lock this batch
     * holds shared; another pass skips the flag. Only a segment created after the pass started can
     * gain the user meanwhile, and the pass neither evaluates nor writes that segment (writes are
     * deltas of the pass's own segments).
     */
    private Uni<Claimed> claimAndEvaluate(SqlConnection conn, List<CatalogSegment> segments, PassTally tally,
            PassTally.Timer timer) {
        UsedAttributes parser = new UsedAttributes(segments);
        Instant now = Instant.now();
        List<CompletableFuture<List<UserTransition>>> evaluations = new ArrayList<>();
        int[] users = {0};
        timer.claimsSent();
        return DirtyClaims.claim(conn, config.incremental().batchSize(), slice -> {
            users[0] += slice.size();
            timer.claimArrived();
            evaluations.add(CompletableFuture.supplyAsync(
                    () -> tally.evaluating(() -> evaluate(slice, segments, parser, now)),
                    Infrastructure.getDefaultWorkerPool()));
        }).chain(() -> Uni.createFrom().completionStage(CompletableFuture.allOf(evaluations.toArray(CompletableFuture[]::new))))
                .map(done -> {
                    List<UserTransition> transitions = new ArrayList<>();
                    evaluations.forEach(evaluation -> transitions.addAll(evaluation.join()));
                    return new Claimed(users[0], transitions);
                });
    }

    private static List<UserTransition> evaluate(List<DirtyClaims.DirtyUser> part, List<CatalogSegment> segments,
            UsedAttributes parser, Instant now) {
        List<UserTransition> changes = new ArrayList<>();
        for (DirtyClaims.DirtyUser user : part) {
            Set<Long> open = MembershipStore.segmentSet(user.segmentIds());
            List<Transition> transitions = user.attributes() == null
                    ? leaveAll(open, segments) // the user was deleted: no segment keeps them
                    : MembershipEvaluator.evaluate(parser.parse(user.attributes()), segments, open, now);
            for (Transition t : transitions) {
                changes.add(new UserTransition(user.id(), t.segmentId(), t.join()));
            }
        }
        return changes;
    }

    private static List<Transition> leaveAll(Set<Long> current, List<CatalogSegment> segments) {
        return segments.stream().filter(s -> current.contains(s.id())).map(s -> new Transition(s.id(), false)).toList();
    }
}
