package dev.segments.compute;

import dev.segments.segment.SegmentService;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The scheduled work: the dirty-user pass, the nightly full recompute (on one instance only), and
 * the restart of full computes left behind by an instance that stopped (queued or started more than
 * ten minutes ago and not held by any transaction), in id order, which is dependency order.
 */
@ApplicationScoped
public class ComputeSchedule {

    private static final Logger LOG = Logger.getLogger(ComputeSchedule.class);
    private static final int ORPHAN_GRACE_SECONDS = 600;

    private final IncrementalPass incremental;
    private final SegmentService segments;
    private final ComputeRunner runner;
    private final JobStore jobs;
    private final Pool pool;

    public ComputeSchedule(IncrementalPass incremental, SegmentService segments, ComputeRunner runner, JobStore jobs,
            Pool pool) {
        this.incremental = incremental;
        this.segments = segments;
        this.runner = runner;
        this.jobs = jobs;
        this.pool = pool;
    }

    @Scheduled(identity = "incremental", every = "${segments.incremental.every}", delayed = "10s",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> incremental() {
        return incremental.run(Trigger.SCHEDULE)
                .invoke(result -> {
                    if (result.users() > 0) {
                        LOG.infof("Incremental pass: %d users, +%d / -%d", result.users(), result.added(), result.removed());
                    }
                })
                .replaceWithVoid();
    }

    @Scheduled(identity = "full-sweep", cron = "${segments.sweep.cron}", concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return pool.withTransaction(conn -> conn.query("""
                        UPDATE scheduled_run SET last_run_at = now()
                        WHERE name = 'full_sweep' AND last_run_at < now() - interval '1 hour'""").execute())
                .chain(rows -> rows.rowCount() == 0
                        ? Uni.createFrom().voidItem()
                        : segments.computeAll(Trigger.SCHEDULE)
                                .invoke(ids -> LOG.infof("Nightly full recompute queued %d jobs", ids.size()))
                                .replaceWithVoid());
    }

    @Scheduled(identity = "member-stats-compaction", every = "10s", delayed = "10s",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> compactMemberStats() {
        return pool.withTransaction(jobs::compactMemberStats);
    }

    @Scheduled(identity = "orphaned-jobs", every = "60s", delayed = "30s", concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> restartOrphanedJobs() {
        return pool.withTransaction(conn -> jobs.failAbandonedIncremental(conn)
                        .chain(() -> jobs.orphaned(conn, ORPHAN_GRACE_SECONDS)))
                .chain(ids -> Multi.createFrom().iterable(ids).onItem().transformToUniAndConcatenate(runner::run)
                        .collect().last())
                .replaceWithVoid();
    }
}
