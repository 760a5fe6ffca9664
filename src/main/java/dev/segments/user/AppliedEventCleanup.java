package dev.segments.user;

import dev.segments.config.SegmentsConfig;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Deletes idempotency keys older than {@code segments.intake.dedupe-window}, on one instance per period
 * (the one that moves {@code scheduled_run.applied_event_cleanup} on).
 */
@ApplicationScoped
public class AppliedEventCleanup {

    private static final Logger LOG = Logger.getLogger(AppliedEventCleanup.class);

    private final Pool pool;
    private final AppliedEvents applied;
    private final SegmentsConfig config;

    public AppliedEventCleanup(Pool pool, AppliedEvents applied, SegmentsConfig config) {
        this.pool = pool;
        this.applied = applied;
        this.config = config;
    }

    @Scheduled(identity = "applied-event-cleanup", every = "${segments.intake.dedupe-cleanup-every:1h}", delayed = "5m",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> run() {
        return pool.withTransaction(conn -> conn.query("""
                        UPDATE scheduled_run SET last_run_at = now()
                        WHERE name = 'applied_event_cleanup' AND last_run_at < now() - interval '1 minute'""").execute()
                .chain(claimed -> claimed.rowCount() == 0 ? Uni.createFrom().item(0)
                        : applied.forgetOlderThan(conn, config.intake().dedupeWindow())))
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.infof("Forgot %d idempotency keys older than %s", deleted, config.intake().dedupeWindow());
                    }
                })
                .replaceWithVoid();
    }
}
