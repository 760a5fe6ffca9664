package dev.segments.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.config.SegmentsConfig;
import dev.segments.db.Locks;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleParser;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs full computes. Each job runs in one transaction that holds the job's row lock (so no other
 * instance runs it too; another runner waits for it and then finds it done) and the segment's exclusive lock (so no per-user evaluation of that segment
 * interleaves with it); the rule is read inside that transaction, so it is always the saved one.
 */
@ApplicationScoped
public class ComputeRunner {

    private static final Logger LOG = Logger.getLogger(ComputeRunner.class);

    private final Pool pool;
    private final JobStore jobs;
    private final SegmentStore segments;
    private final ObjectMapper json;
    private final SegmentsConfig config;

    public ComputeRunner(Pool pool, JobStore jobs, SegmentStore segments, ObjectMapper json, SegmentsConfig config) {
        this.pool = pool;
        this.jobs = jobs;
        this.segments = segments;
        this.json = json;
        this.config = config;
    }

    /**
     * Starts the jobs in the given (dependency) order without waiting for them, up to
     * {@code segments.compute.parallelism} at a time; a job still waits for its dependencies' jobs.
     */
    public void runInBackground(List<Long> jobIds) {
        runAll(jobIds).subscribe().with(done -> { }, failure -> LOG.error("Compute chain failed", failure));
    }

    /** {@link #runAll(List, Instant)} evaluating the rules at the current instant. */
    public Uni<Void> runAll(List<Long> jobIds) {
        return runAll(jobIds, Instant.now());
    }

    /** Runs the jobs (as {@link #runInBackground}) and completes when all are done; every rule is evaluated at {@code now}. */
    public Uni<Void> runAll(List<Long> jobIds, Instant now) {
        return Multi.createFrom().iterable(jobIds)
                .onItem().transformToUni(jobId -> run(jobId, now)).merge(config.compute().parallelism())
                .collect().last().replaceWithVoid();
    }

    /**
     * Runs one queued job after the queued jobs of the segments it depends on (directly or not) that
     * were queued before it, so a composable segment is always computed from its references' new
     * memberships, whichever instance or chain queued them.
     */
    public Uni<Void> run(long jobId) {
        return run(jobId, Instant.now());
    }

    /** {@link #run(long)} evaluating the rules at {@code now}. */
    public Uni<Void> run(long jobId, Instant now) {
        return pool.withConnection(conn -> jobs.earlierJobsOfDependencies(conn, jobId))
                .chain(earlier -> Multi.createFrom().iterable(earlier)
                        .onItem().transformToUniAndConcatenate(earlierJob -> runOne(earlierJob, now))
                        .collect().last())
                .chain(() -> runOne(jobId, now));
    }

    /** Runs one job; one being run elsewhere is waited for, one already done is left alone. */
    private Uni<Void> runOne(long jobId, Instant now) {
        return pool.withTransaction(conn -> jobs.claim(conn, jobId)
                        .chain(segmentId -> segmentId.isPresent()
                                ? compute(conn, jobId, segmentId.get(), now)
                                : Uni.createFrom().voidItem()))
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "Compute job %d failed", jobId);
                    return pool.withTransaction(conn -> jobs.fail(conn, jobId, describe(failure)));
                });
    }

    private Uni<Void> compute(SqlConnection conn, long jobId, long segmentId, Instant now) {
        long timeoutMs = config.limits().computeTimeout().toMillis();
        return conn.query("SET LOCAL statement_timeout = " + timeoutMs).execute()
                .chain(() -> conn.preparedQuery("UPDATE segment_compute_job SET started_at = clock_timestamp() WHERE id = $1")
                        .execute(io.vertx.mutiny.sqlclient.Tuple.of(jobId)))
                .chain(() -> Locks.segmentExclusive(conn, segmentId))
                .chain(() -> segments.rules(conn, segmentId))
                .chain(rules -> rules.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : MembershipDiff.apply(conn, segmentId, parse(rules), jobId, now)
                                .chain(counts -> jobs.complete(conn, jobId, counts)));
    }

    private Rule parse(Optional<String> rules) {
        try {
            return RuleParser.parse(json.readTree(rules.orElseThrow()), "/rules");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Stored rule is not valid JSON", e);
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
