package dev.segments.drift;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The scheduled alert work. The staleness check runs on one instance at a time: the instance that
 * moves {@code scheduled_run.alert_stale_check} on runs it (and the unique index on ongoing alerts
 * would keep a second run from opening duplicates anyway). The dispatch locks the alerts it sends.
 */
@ApplicationScoped
public class AlertSchedule {

    private static final Logger LOG = Logger.getLogger(AlertSchedule.class);

    private final AlertService alerts;
    private final Pool pool;

    public AlertSchedule(AlertService alerts, Pool pool) {
        this.alerts = alerts;
        this.pool = pool;
    }

    @Scheduled(identity = "alert-stale-check", every = "${segments.alerts.stale-check-every}", delayed = "60s",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> staleCheck() {
        return pool.withTransaction(conn -> conn.query("""
                        UPDATE scheduled_run SET last_run_at = now()
                        WHERE name = 'alert_stale_check' AND last_run_at < now() - interval '30 seconds'""").execute())
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(0) : alerts.checkStale(Instant.now()))
                .invoke(opened -> {
                    if (opened > 0) {
                        LOG.infof("Staleness check opened %d alerts", opened);
                    }
                })
                .replaceWithVoid();
    }

    @Scheduled(identity = "alert-dispatch", every = "${segments.alerts.notify-every}", delayed = "15s",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> dispatch() {
        return alerts.dispatch().replaceWithVoid();
    }
}
