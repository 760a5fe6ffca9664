package dev.segments.compute;

import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Full computes of many segments at once (a full recompute of everything, the nightly sweep). One
 * read of every snapshot, in one consistent database snapshot, evaluates all the segments in memory
 * and fingerprints each one's members; the open memberships are fingerprinted in SQL in the same
 * snapshot. A segment whose fingerprints agree is already exact: its job completes with nothing
 * written. The others, and any segment the read could not decide, run the per-segment set-based
 * statement ({@link ComputeRunner}), which writes the joins and leaves.
 */
@ApplicationScoped
public class FullSweep {

    private static final Logger LOG = Logger.getLogger(FullSweep.class);

    private final AgroalDataSource dataSource;
    private final SweepReader reader;
    private final ComputeRunner runner;
    private final JobStore jobs;
    private final Pool pool;

    public FullSweep(AgroalDataSource dataSource, SweepReader reader, ComputeRunner runner, JobStore jobs, Pool pool) {
        this.dataSource = dataSource;
        this.reader = reader;
        this.runner = runner;
        this.jobs = jobs;
        this.pool = pool;
    }

    public void runInBackground(List<Long> jobIds) {
        run(jobIds).subscribe().with(done -> { }, failure -> LOG.error("Full recompute failed", failure));
    }

    /** Completes the jobs (queued full computes, in dependency order). */
    public Uni<Void> run(List<Long> jobIds) {
        return run(jobIds, Instant.now());
    }

    /** Completes the jobs, evaluating every rule at {@code now} (in the single read and in the statements). */
    public Uni<Void> run(List<Long> jobIds, Instant now) {
        long start = System.nanoTime();
        return Uni.createFrom().item(() -> check(jobIds, now))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(outcome -> LOG.infof("Full recompute: one read in %d ms found %d of %d segments exact; computing %d",
                        (System.nanoTime() - start) / 1_000_000, outcome.unchanged().size(), jobIds.size(),
                        outcome.changed().size()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warn("The single-read check failed; computing every segment with its own statement", failure);
                    return new SweepOutcome(Map.of(), jobIds);
                })
                .chain(outcome -> completeUnchanged(outcome)
                        .chain(() -> outcome.changed().isEmpty() ? Uni.createFrom().voidItem() : runner.runAll(outcome.changed(), now)));
    }

    private SweepOutcome check(List<Long> jobIds, Instant now) {
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            conn.setReadOnly(true);
            try {
                return reader.check(conn, jobIds, now);
            } finally {
                conn.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the snapshots", e);
        }
    }

    private Uni<Void> completeUnchanged(SweepOutcome outcome) {
        if (outcome.unchanged().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<Long, Long>> unchanged = new ArrayList<>(outcome.unchanged().entrySet());
        return pool.withTransaction(conn -> Multi.createFrom().iterable(unchanged)
                .onItem().transformToUniAndConcatenate(job -> jobs.completeUnchanged(conn, job.getKey(), job.getValue()))
                .collect().last()).replaceWithVoid();
    }
}
