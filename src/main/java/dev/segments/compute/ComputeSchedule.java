package dev.segments.compute;

import dev.segments.config.SegmentsConfig;
import dev.segments.db.AppInstance;
import dev.segments.segment.SegmentService;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The scheduled work: the dirty-user pass, the nightly full recompute (on one instance only), and
 * this instance's heartbeat, which also takes over the compute jobs of instances that stopped (silent
 * for {@code segments.instances.dead-after}): their full computes run again here, in id order, which
 * is dependency order; their incremental job rows are marked failed. The same happens to jobs a live
 * instance abandoned when it lost the database (incremental rows of a pass no longer running here; full
 * computes no transaction holds after ten minutes).
 */
@ApplicationScoped
public class ComputeSchedule {

    private static final Logger LOG = Logger.getLogger(ComputeSchedule.class);

    private final IncrementalPass incremental;
    private final SegmentService segments;
    private final ComputeRunner runner;
    private final JobStore jobs;
    private final Pool pool;
    private final AppInstance instance;
    private final SegmentsConfig config;

    public ComputeSchedule(IncrementalPass incremental, SegmentService segments, ComputeRunner runner, JobStore jobs,
            Pool pool, AppInstance instance, SegmentsConfig config) {
        this.instance = instance;
        this.config = config;
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

    /** Reports this instance alive before it queues any job, so no other instance takes its work for orphaned. */
    void register(@Observes StartupEvent event) {
        pool.withTransaction(instance::heartbeat).await().atMost(Duration.ofMinutes(1));
    }

    @Scheduled(identity = "instance-heartbeat", every = "${segments.instances.heartbeat}",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        long deadAfter = config.instances().deadAfter().toSeconds();
        return pool.withTransaction(conn -> instance.heartbeat(conn)
                        .chain(() -> instance.forgetLongGone(conn))
                        .chain(() -> jobs.failAbandonedIncremental(conn, deadAfter, incremental::openJobs))
                        .invoke(failed -> {
                            if (failed > 0) {
                                LOG.warnf("Marked failed %d incremental job rows of a pass that stopped before it ended", failed);
                            }
                        })
                        .chain(() -> jobs.takeOverOrphaned(conn, deadAfter)))
                .invoke(ids -> {
                    if (!ids.isEmpty()) {
                        LOG.warnf("Took over %d full computes that a stopped instance (or a lost connection) left running: %s",
                                ids.size(), ids);
                        runner.runInBackground(ids);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Heartbeat failed: %s", failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
