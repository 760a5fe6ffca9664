package dev.segments.compute;

import dev.segments.config.SegmentsConfig;
import dev.segments.segment.SegmentService;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps time-dependent segments current as time passes: every {@code segments.time-dependent.every}
 * it queues a full compute of each segment whose rule uses {@code within_last} or
 * {@code more_than_ago} and of the segments that reference them, in dependency order, evaluated at one
 * instant ({@code triggered_by: "schedule"}). Joins and leaves are written and logged like those of any
 * full compute. Each instance has the schedule; a run is claimed on the {@code scheduled_run} row
 * {@code time_dependent}, so runs of all instances together are at least half a period apart.
 */
@ApplicationScoped
public class TimeDependentSchedule {

    private static final Logger LOG = Logger.getLogger(TimeDependentSchedule.class);

    private final Pool pool;
    private final SegmentService segments;
    private final SegmentsConfig config;

    public TimeDependentSchedule(Pool pool, SegmentService segments, SegmentsConfig config) {
        this.pool = pool;
        this.segments = segments;
        this.config = config;
    }

    @Scheduled(identity = "time-dependent", every = "${segments.time-dependent.every}", delayed = "20s",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        Duration every = DurationConverter.parseDuration(config.timeDependent().every());
        return runIfDue(Instant.now(), every.dividedBy(2))
                .invoke(jobIds -> {
                    if (!jobIds.isEmpty()) {
                        LOG.infof("Time-dependent segments: %d full computes", jobIds.size());
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Runs the re-evaluation at {@code now} unless some instance claimed a run less than
     * {@code minGap} ago; completes when its computes are done and answers their job ids (none when
     * skipped or when no segment is time-dependent).
     */
    public Uni<List<Long>> runIfDue(Instant now, Duration minGap) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        UPDATE scheduled_run SET last_run_at = now()
                        WHERE name = 'time_dependent' AND last_run_at < now() - $1::bigint * interval '1 millisecond'""")
                        .execute(Tuple.of(minGap.toMillis())))
                .chain(claimed -> claimed.rowCount() == 0
                        ? Uni.createFrom().item(List.<Long>of())
                        : segments.computeTimeDependent(Trigger.SCHEDULE, now));
    }
}
