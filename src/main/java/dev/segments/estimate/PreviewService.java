package dev.segments.estimate;

import dev.segments.compute.MembershipDiff;
import dev.segments.config.SegmentsConfig;
import dev.segments.rule.Rule;
import dev.segments.segment.SegmentService;
import dev.segments.segment.SegmentStore;
import dev.segments.user.UserKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The dry run of a rule change: the same set-based comparison a full compute makes
 * ({@link MembershipDiff}), against the segment's current membership, without writing. The rule is
 * checked as a save would check it (references exist, no self-reference, no cycle). For a
 * composable segment with dependents the answer is about the segment itself.
 */
@ApplicationScoped
public class PreviewService {

    static final int SAMPLE = 20;

    private final Pool pool;
    private final SegmentStore segments;
    private final SegmentService service;
    private final SegmentsConfig.Estimate config;
    private final UserKeys keys;

    public PreviewService(Pool pool, SegmentStore segments, SegmentService service, SegmentsConfig config, UserKeys keys) {
        this.pool = pool;
        this.segments = segments;
        this.service = service;
        this.config = config.estimate();
        this.keys = keys;
    }

    public Uni<Preview> preview(long segmentId, Rule rule) {
        long start = System.nanoTime();
        MembershipDiff.Statement statement = MembershipDiff.preview(segmentId, rule, SAMPLE, Instant.now());
        return pool.withTransaction(conn -> conn.query("SET TRANSACTION READ ONLY").execute()
                .chain(() -> EstimateStore.timeout(conn, config.timeout()))
                .chain(() -> segments.requireExists(conn, segmentId))
                .chain(() -> service.checkReferences(conn, segmentId, rule))
                .chain(() -> conn.preparedQuery(statement.sql()).execute(statement.args()))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    long added = row.getLong(0);
                    long removed = row.getLong(1);
                    long current = row.getLong(2);
                    List<Long> joining = ids(row.getArrayOfLongs(3));
                    List<Long> leaving = ids(row.getArrayOfLongs(4));
                    List<Long> both = new ArrayList<>(joining);
                    both.addAll(leaving);
                    return keys.externalIds(conn, both).map(external -> new Preview(segmentId, added, removed, current,
                            current + added - removed, joining.stream().map(external::get).toList(),
                            leaving.stream().map(external::get).toList(), Math.round((System.nanoTime() - start) / 1e4) / 100.0));
                }));
    }

    private static List<Long> ids(Long[] ids) {
        return ids == null ? List.of() : Arrays.asList(ids);
    }
}
