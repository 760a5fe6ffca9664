package dev.segments.compute;

import dev.segments.config.SegmentsConfig;
import dev.segments.db.Locks;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogCache;
import dev.segments.segment.CatalogSegment;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dirty-user pass: re-evaluates users whose attributes changed against every segment with
 * set-based SQL, batch by batch. Each batch claims its users with {@code FOR UPDATE SKIP LOCKED}, so
 * two instances never process the same user, and clears a flag only if it was not marked again
 * meanwhile (the row lock holds new marks back until the batch commits, which then re-mark it).
 */
@ApplicationScoped
public class IncrementalPass {

    private static final int MAX_BATCHES_PER_PASS = 2_000;

    private final Pool pool;
    private final CatalogCache catalogs;
    private final JobStore jobs;
    private final SegmentsConfig config;

    public IncrementalPass(Pool pool, CatalogCache catalogs, JobStore jobs, SegmentsConfig config) {
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
        return pool.withTransaction(conn -> Multi.createFrom().iterable(catalog.inDependencyOrder())
                        .onItem().transformToUniAndConcatenate(s -> jobs.startIncremental(conn, s.id(), trigger)
                                .invoke(jobId -> tally.jobs.put(s.id(), jobId)))
                        .collect().last())
                .chain(() -> nextBatch(tally, 0))
                .chain(() -> pool.withTransaction(conn -> Multi.createFrom().iterable(tally.jobs.entrySet())
                        .onItem().transformToUniAndConcatenate(job -> {
                            long[] counts = tally.counts.getOrDefault(job.getKey(), new long[2]);
                            return jobs.finishIncremental(conn, job.getValue(), tally.users, counts[0], counts[1])
                                    .invoke(kept -> {
                                        if (kept) {
                                            tally.kept.add(job.getValue());
                                        }
                                    });
                        })
                        .collect().last()))
                .map(ignored -> new IncrementalResult(tally.users, tally.added(), tally.removed(), List.copyOf(tally.kept)));
    }

    private Uni<Void> nextBatch(Tally tally, int batch) {
        if (batch >= MAX_BATCHES_PER_PASS) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(conn -> processBatch(conn, tally))
                .chain(claimed -> claimed == 0 ? Uni.createFrom().voidItem() : nextBatch(tally, batch + 1));
    }

    private Uni<Integer> processBatch(SqlConnection conn, Tally tally) {
        return Locks.catalogShared(conn)
                .chain(() -> catalogs.current(conn))
                .chain(catalog -> conn.preparedQuery("""
                                SELECT user_id, seq FROM dirty_user ORDER BY user_id LIMIT $1 FOR UPDATE SKIP LOCKED""")
                        .execute(Tuple.of(config.incremental().batchSize()))
                        .chain(rows -> {
                            List<Long> users = new ArrayList<>();
                            List<Long> seqs = new ArrayList<>();
                            rows.forEach(row -> {
                                users.add(row.getLong(0));
                                seqs.add(row.getLong(1));
                            });
                            if (users.isEmpty()) {
                                return Uni.createFrom().item(0);
                            }
                            Long[] ids = users.toArray(Long[]::new);
                            List<CatalogSegment> segments = catalog.inDependencyOrder().stream()
                                    .filter(s -> tally.jobs.containsKey(s.id())).toList();
                            return Locks.segmentsShared(conn, segments.stream().map(CatalogSegment::id).toList())
                                    .chain(() -> Multi.createFrom().iterable(segments)
                                            .onItem().transformToUniAndConcatenate(s -> MembershipDiff
                                                    .apply(conn, s.id(), s.rule(), tally.jobs.get(s.id()), ids)
                                                    .invoke(counts -> tally.add(s.id(), counts)))
                                            .collect().last())
                                    .chain(() -> conn.preparedQuery("""
                                            DELETE FROM dirty_user d USING unnest($1::bigint[], $2::bigint[]) AS c(u, seq)
                                            WHERE d.user_id = c.u AND d.seq = c.seq""")
                                            .execute(Tuple.of(ids, seqs.toArray(Long[]::new))))
                                    .invoke(() -> tally.users += ids.length)
                                    .replaceWith(ids.length);
                        }));
    }

    /** Running totals of one pass. */
    private static final class Tally {
        final Map<Long, Long> jobs = new LinkedHashMap<>();
        final Map<Long, long[]> counts = new LinkedHashMap<>();
        final List<Long> kept = new ArrayList<>();
        long users;

        void add(long segmentId, DiffCounts diff) {
            long[] c = counts.computeIfAbsent(segmentId, k -> new long[2]);
            c[0] += diff.added();
            c[1] += diff.removed();
        }

        long added() {
            return counts.values().stream().mapToLong(c -> c[0]).sum();
        }

        long removed() {
            return counts.values().stream().mapToLong(c -> c[1]).sum();
        }
    }
}
