package dev.segments.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.rule.RuleParser;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogSegment;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The blocking part of {@link FullSweep}: reads jobs, rules and membership fingerprints through JDBC. */
@ApplicationScoped
class SweepReader {

    private final ObjectMapper json;
    private final SnapshotScan scan;

    SweepReader(ObjectMapper json, SnapshotScan scan) {
        this.json = json;
        this.scan = scan;
    }

    SweepOutcome check(Connection conn, List<Long> jobIds, Instant now) throws SQLException {
        Map<Long, Long> jobOfSegment = queuedJobs(conn, jobIds);
        List<CatalogSegment> segments = decidable(catalog(conn), jobOfSegment.keySet());
        Map<Long, long[]> current = currentFingerprints(conn, segments);
        Fingerprint[] evaluated = scan.evaluate(conn, segments, now);
        Map<Long, Long> unchanged = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            long segmentId = segments.get(i).id();
            long[] stored = current.getOrDefault(segmentId, new long[3]);
            if (evaluated[i].matches(stored[0], stored[1], stored[2])) {
                unchanged.put(jobOfSegment.get(segmentId), stored[0]);
            }
        }
        List<Long> changed = jobIds.stream().filter(id -> !unchanged.containsKey(id)).toList();
        return new SweepOutcome(unchanged, changed);
    }

    /** Segment id → job id, for the jobs that are still queued. */
    private static Map<Long, Long> queuedJobs(Connection conn, List<Long> jobIds) throws SQLException {
        Map<Long, Long> jobs = new HashMap<>();
        try (PreparedStatement query = conn.prepareStatement("""
                SELECT id, segment_id FROM segment_compute_job
                WHERE id = ANY(?) AND kind = 'full' AND status = 'running'""")) {
            query.setArray(1, conn.createArrayOf("bigint", jobIds.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    jobs.put(rows.getLong(2), rows.getLong(1));
                }
            }
        }
        return jobs;
    }

    private Catalog catalog(Connection conn) throws SQLException {
        List<CatalogSegment> segments = new ArrayList<>();
        try (PreparedStatement query = conn.prepareStatement("SELECT id, name, rules::text FROM segment");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                try {
                    segments.add(CatalogSegment.of(rows.getLong(1), rows.getString(2),
                            RuleParser.parse(json.readTree(rows.getString(3)), "/rules")));
                } catch (IOException e) {
                    throw new SQLException("Stored rule of segment " + rows.getLong(1) + " is not JSON", e);
                }
            }
        }
        return new Catalog(0, segments);
    }

    /** The queued segments, in dependency order, whose references are all evaluated by the same read. */
    private static List<CatalogSegment> decidable(Catalog catalog, Set<Long> queued) {
        Set<Long> included = new HashSet<>();
        List<CatalogSegment> result = new ArrayList<>();
        for (CatalogSegment segment : catalog.inDependencyOrder()) {
            if (queued.contains(segment.id()) && included.containsAll(segment.dependsOn())) {
                included.add(segment.id());
                result.add(segment);
            }
        }
        return result;
    }

    /**
     * Segment id → {count, sum of ids mod 2^64, sum of hashint8} of the open memberships, from the
     * statistics the triggers on segment_membership keep (V2__member_stats.sql).
     */
    private static Map<Long, long[]> currentFingerprints(Connection conn, List<CatalogSegment> segments)
            throws SQLException {
        Map<Long, long[]> fingerprints = new HashMap<>();
        try (PreparedStatement query = conn.prepareStatement("""
                SELECT segment_id, sum(member_count)::bigint, sum(id_sum)::text, sum(hash_sum)::bigint
                FROM segment_member_stats WHERE segment_id = ANY(?)
                GROUP BY segment_id""")) {
            Array ids = conn.createArrayOf("bigint", segments.stream().map(CatalogSegment::id).toArray());
            query.setArray(1, ids);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    fingerprints.put(rows.getLong(1), new long[] {
                        rows.getLong(2), new BigInteger(rows.getString(3)).longValue(), rows.getLong(4)});
                }
            }
        }
        return fingerprints;
    }
}
