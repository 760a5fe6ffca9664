package dev.segments.compute;

import dev.segments.db.AppInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** SQL for {@code segment_compute_job}: the audit log of every compute and the queue of full computes. */
@ApplicationScoped
public class JobStore {

    private static final String COLUMNS = """
            id, segment_id, triggered_by, kind, status, started_at, completed_at, users_evaluated,
            added_count, removed_count, member_count, error""";

    /** A full compute no transaction holds after this long is run again, whoever owns it. */
    static final long STUCK_FULL_SECONDS = 600;

    private final AppInstance instance;

    public JobStore(AppInstance instance) {
        this.instance = instance;
    }

    /** A full compute waiting to run: it stays {@code running} until it completes or fails. */
    public Uni<Long> queueFull(SqlClient db, long segmentId, Trigger trigger) {
        return db.preparedQuery("""
                INSERT INTO segment_compute_job (segment_id, triggered_by, kind, owner) VALUES ($1, $2, 'full', $3) RETURNING id""")
                .execute(Tuple.of(segmentId, trigger.wire(), instance.id()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Takes a queued job for this transaction (the row lock is held until commit): answers its segment
     * id, or empty when the job is done or gone. If another transaction is running it, this waits.
     */
    public Uni<Optional<Long>> claim(SqlClient db, long jobId) {
        return db.preparedQuery("""
                SELECT segment_id, status FROM segment_compute_job WHERE id = $1 AND kind = 'full' FOR UPDATE""")
                .execute(Tuple.of(jobId))
                .map(rows -> {
                    if (rows.size() == 0 || !"running".equals(rows.iterator().next().getString(1))) {
                        return Optional.<Long>empty();
                    }
                    return Optional.of(rows.iterator().next().getLong(0));
                });
    }

    /** Queued full computes of the segments this job's segment depends on, queued before it, oldest first. */
    public Uni<List<Long>> earlierJobsOfDependencies(SqlClient db, long jobId) {
        return db.preparedQuery("""
                WITH RECURSIVE deps(segment_id) AS (
                    SELECT d.depends_on FROM segment_dependency d
                    WHERE d.segment_id = (SELECT segment_id FROM segment_compute_job WHERE id = $1)
                    UNION
                    SELECT d.depends_on FROM segment_dependency d JOIN deps ON d.segment_id = deps.segment_id
                )
                SELECT j.id FROM segment_compute_job j
                WHERE j.kind = 'full' AND j.status = 'running' AND j.id < $1
                  AND j.segment_id IN (SELECT segment_id FROM deps)
                ORDER BY j.id""")
                .execute(Tuple.of(jobId))
                .map(rows -> {
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getLong(0)));
                    return ids;
                });
    }

    public Uni<Void> complete(SqlClient db, long jobId, DiffCounts counts) {
        return db.preparedQuery("""
                UPDATE segment_compute_job SET status = 'completed', completed_at = clock_timestamp(),
                       users_evaluated = $2, added_count = $3, removed_count = $4, member_count = $5
                WHERE id = $1""")
                .execute(Tuple.of(jobId, counts.usersEvaluated(), counts.added(), counts.removed(), counts.memberCount()))
                .replaceWithVoid();
    }

    /** Completes a full compute that found the membership already exact: nothing was written. */
    public Uni<Void> completeUnchanged(SqlClient db, long jobId, long memberCount) {
        return db.preparedQuery("""
                UPDATE segment_compute_job SET status = 'completed', completed_at = clock_timestamp(),
                       added_count = 0, removed_count = 0, member_count = $2
                WHERE id = $1 AND status = 'running'""")
                .execute(Tuple.of(jobId, memberCount))
                .replaceWithVoid();
    }

    /**
     * Folds the member statistics' delta rows into one row per segment and drops those of deleted
     * segments. Safe to run on several instances at once.
     */
    public Uni<Void> compactMemberStats(SqlClient db) {
        return db.query("""
                WITH gone AS (DELETE FROM segment_member_stats RETURNING *)
                INSERT INTO segment_member_stats (segment_id, member_count, id_sum, hash_sum)
                SELECT segment_id, sum(member_count), sum(id_sum), sum(hash_sum) FROM gone
                WHERE segment_id IN (SELECT id FROM segment)
                GROUP BY segment_id""").execute().replaceWithVoid();
    }

    public Uni<Void> fail(SqlClient db, long jobId, String error) {
        return db.preparedQuery("""
                UPDATE segment_compute_job SET status = 'failed', completed_at = clock_timestamp(), error = $2
                WHERE id = $1 AND status = 'running'""")
                .execute(Tuple.of(jobId, error))
                .replaceWithVoid();
    }

    /**
     * Inserts the running job rows of an incremental pass for these segments (segment id → job id, in
     * the given order), in the transaction of the batch whose changes they count: a pass records a row
     * only for the segments it changes, and the rows become visible with those changes. They all start
     * at {@code startedAt}, the pass's beginning.
     */
    public Uni<Map<Long, Long>> startIncremental(SqlClient db, List<Long> segmentIds, Trigger trigger, OffsetDateTime startedAt) {
        return db.preparedQuery("""
                INSERT INTO segment_compute_job (segment_id, triggered_by, kind, owner, started_at)
                SELECT s, $2, 'incremental', $3, $4 FROM unnest($1::bigint[]) WITH ORDINALITY AS x(s, n) ORDER BY n
                RETURNING segment_id, id""")
                .execute(Tuple.of(segmentIds.toArray(Long[]::new), trigger.wire(), instance.id(), startedAt))
                .map(rows -> {
                    Map<Long, Long> jobs = new LinkedHashMap<>();
                    rows.forEach(row -> jobs.put(row.getLong(0), row.getLong(1)));
                    return jobs;
                });
    }

    /**
     * Completes the job rows of an incremental pass with their counts and the segment's member count
     * (a pass has rows only for the segments it changed).
     *
     * @param changes job id → {added, removed}
     */
    public Uni<Void> finishIncremental(SqlClient db, Map<Long, long[]> changes, long users) {
        Long[] ids = changes.keySet().toArray(Long[]::new);
        Long[] added = changes.values().stream().map(c -> c[0]).toArray(Long[]::new);
        Long[] removed = changes.values().stream().map(c -> c[1]).toArray(Long[]::new);
        return db.preparedQuery("""
                        WITH x AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS x(id, a, r)),
                        counts AS (
                            SELECT st.segment_id, sum(st.member_count)::bigint AS n FROM segment_member_stats st
                            WHERE st.segment_id IN (SELECT segment_id FROM segment_compute_job WHERE id IN (SELECT id FROM x))
                            GROUP BY st.segment_id)
                        UPDATE segment_compute_job j SET status = 'completed', completed_at = clock_timestamp(), error = NULL,
                               users_evaluated = $4, added_count = x.a, removed_count = x.r,
                               member_count = coalesce((SELECT n FROM counts c WHERE c.segment_id = j.segment_id), 0)
                        FROM x WHERE j.id = x.id""")
                .execute(Tuple.of(ids, added, removed, users))
                .replaceWithVoid();
    }

    /**
     * Takes over the full computes queued or started by instances that stopped (silent for
     * {@code deadAfterSeconds}), and those of any instance still {@code running} after
     * {@link #STUCK_FULL_SECONDS} that no transaction holds (one that lost the database while running
     * it could not even mark it failed): they become this instance's (their ten minutes start again), oldest first. Jobs whose
     * transaction is still open (a stopped instance's statement still running in the database) are
     * skipped until it ends.
     */
    public Uni<List<Long>> takeOverOrphaned(SqlClient db, long deadAfterSeconds) {
        return db.preparedQuery("""
                UPDATE segment_compute_job SET owner = $1, started_at = now() WHERE id IN (
                    SELECT id FROM segment_compute_job
                    WHERE kind = 'full' AND status = 'running'
                      AND (started_at < now() - $3::bigint * interval '1 second' OR\s""" + AppInstance.stopped("owner", "$2") + """
                    )
                    ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
                RETURNING id""")
                .execute(Tuple.of(instance.id(), deadAfterSeconds, STUCK_FULL_SECONDS))
                .map(rows -> {
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getLong(0)));
                    ids.sort(null);
                    return ids;
                });
    }

    /**
     * Marks failed the incremental job rows of passes that ended without closing them: their instance
     * stopped, or this instance's pass is no longer running ({@code open}: the rows of its passes in
     * progress). Their committed batches are kept; the users of the batch that was running are still
     * dirty. This instance's running rows are read first and {@code open} is asked after: a pass counts
     * its rows open before its batch commits them, so a row seen here that is not open has been given up (asking
     * first would miss the rows of a pass that starts in between and fail them). A row marked failed while
     * its pass still runs would be completed by the pass all the same.
     */
    public Uni<Integer> failAbandonedIncremental(SqlClient db, long deadAfterSeconds, Supplier<Set<Long>> open) {
        return db.preparedQuery("SELECT id FROM segment_compute_job WHERE kind = 'incremental' AND status = 'running' AND owner = $1")
                .execute(Tuple.of(instance.id()))
                .chain(rows -> {
                    Set<Long> stillOpen = open.get();
                    List<Long> abandoned = new ArrayList<>();
                    rows.forEach(row -> {
                        if (!stillOpen.contains(row.getLong(0))) {
                            abandoned.add(row.getLong(0));
                        }
                    });
                    return db.preparedQuery("""
                            UPDATE segment_compute_job SET status = 'failed', completed_at = now(),
                                   error = 'interrupted: the pass stopped before it ended (its instance or the database went away)'
                            WHERE kind = 'incremental' AND status = 'running'
                              AND (id = ANY($2::bigint[]) OR\s""" + AppInstance.stopped("owner", "$1") + ")")
                            .execute(Tuple.of(deadAfterSeconds, abandoned.toArray(Long[]::new)));
                })
                .map(rows -> rows.rowCount());
    }

    public Uni<Optional<JobView>> find(SqlClient db, long id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM segment_compute_job WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toView(rows.iterator().next())));
    }

    public Uni<List<JobView>> forSegment(SqlClient db, long segmentId, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM segment_compute_job WHERE segment_id = $1 ORDER BY id DESC LIMIT $2")
                .execute(Tuple.of(segmentId, limit))
                .map(rows -> {
                    List<JobView> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(toView(row)));
                    return jobs;
                });
    }

    private static JobView toView(Row row) {
        return new JobView(row.getLong(0), row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                row.getOffsetDateTime(5).toInstant(),
                row.getOffsetDateTime(6) == null ? null : row.getOffsetDateTime(6).toInstant(),
                row.getLong(7), row.getLong(8), row.getLong(9), row.getLong(10), row.getString(11));
    }
}
