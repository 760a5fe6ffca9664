package dev.segments.estimate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.config.SegmentsConfig;
import dev.segments.estimate.EstimateStore.Counts;
import dev.segments.problem.ProblemException;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleParser;
import dev.segments.segment.SegmentService;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Estimates the size of a rule without saving anything. The rule's references must exist, as for a
 * save. The population is the trigger-kept number of snapshots, read in the same repeatable-read
 * snapshot as the sample, so the two agree. A small population, a sample of 100%, or a sample that
 * matched too few users to extrapolate from gets an exact count instead (if that count runs out of
 * time, the sample's answer stands). Answers are cached per canonical rule until the data changes.
 */
@ApplicationScoped
public class EstimateService {

    static final String ROOT = "/rules";

    private final Pool pool;
    private final EstimateStore store;
    private final EstimateCache cache;
    private final SegmentService segments;
    private final SegmentStore segmentStore;
    private final SegmentsConfig.Estimate config;
    private final ObjectMapper json;

    public EstimateService(Pool pool, EstimateStore store, EstimateCache cache, SegmentService segments,
            SegmentStore segmentStore, SegmentsConfig config, ObjectMapper json) {
        this.pool = pool;
        this.store = store;
        this.cache = cache;
        this.segments = segments;
        this.segmentStore = segmentStore;
        this.config = config.estimate();
        this.json = json;
    }

    public double defaultSamplePercent() {
        return config.defaultSamplePercent();
    }

    /** Estimates a saved segment's rule; 404 if there is no such segment. */
    public Uni<Estimate> estimateSaved(long segmentId, EstimateRequest request) {
        return pool.withConnection(conn -> segmentStore.rules(conn, segmentId))
                .map(rules -> parse(rules.orElseThrow(() -> ProblemException.notFound("segment " + segmentId))))
                .chain(rule -> estimate(request.withRule(rule)));
    }

    public Uni<Estimate> estimate(EstimateRequest request) {
        long start = System.nanoTime();
        String key = request.cacheKey();
        return pool.withTransaction(conn -> store.begin(conn, config.timeout())
                        .chain(() -> segments.checkReferences(conn, 0, request.rule()))
                        .chain(() -> store.versionAndPopulation(conn))
                        .chain(found -> cache.find(key, found[0])
                                .map(hit -> Uni.createFrom().item(new Measured(found[0], hit, true)))
                                .orElseGet(() -> measure(conn, request, found[1])
                                        .map(estimate -> new Measured(found[0], estimate, false)))))
                .chain(measured -> measured.cached || !needsExactCount(request, measured.estimate)
                        ? Uni.createFrom().item(measured)
                        : exactInstead(request, measured))
                .invoke(measured -> {
                    if (!measured.cached) {
                        cache.put(key, measured.version, measured.estimate);
                    }
                })
                .map(measured -> measured.estimate.answered(start, measured.cached));
    }

    private Uni<Estimate> measure(SqlConnection conn, EstimateRequest request, long population) {
        boolean exact = request.method() == Method.EXACT || request.samplePercent() >= 100
                || (request.method() == Method.AUTO && population < config.exactBelowPopulation());
        Double percent = exact ? null : request.samplePercent();
        Uni<Counts> counts = request.perNode()
                ? store.countPerNode(conn, request.rule(), percent, ROOT)
                : store.count(conn, request.rule(), percent, ROOT);
        return counts.map(c -> exact ? exact(request, c) : sampled(request, c, Math.max(population, c.rows())));
    }

    private boolean needsExactCount(EstimateRequest request, Estimate estimate) {
        return request.method() == Method.AUTO && "sample".equals(estimate.method())
                && estimate.sampleMatches() < config.exactBelowMatches();
    }

    /** Counts exactly after a sample that matched too few users; if that takes too long, the sample stands. */
    private Uni<Measured> exactInstead(EstimateRequest request, Measured sampled) {
        EstimateRequest exact = new EstimateRequest(request.rule(), 100, request.perNode(), Method.EXACT);
        return pool.withTransaction(conn -> store.begin(conn, config.timeout()).chain(() -> measure(conn, exact, 0)))
                .map(estimate -> new Measured(sampled.version, estimate, false))
                .onFailure(e -> e instanceof PgException pg && "57014".equals(pg.getSqlState()))
                .recoverWithItem(sampled);
    }

    private Estimate exact(EstimateRequest request, Counts counts) {
        long matches = counts.matches()[0];
        return new Estimate(matches, matches, matches, counts.rows(), matches, counts.rows(), 100, "exact", 0, false,
                nodes(request, counts, Interval::exact));
    }

    private Estimate sampled(EstimateRequest request, Counts counts, long population) {
        long matches = counts.matches()[0];
        Interval interval = Interval.of(matches, counts.rows(), population);
        return new Estimate(interval.estimate(), interval.low(), interval.high(), counts.rows(), matches, population,
                request.samplePercent(), "sample", 0, false,
                nodes(request, counts, m -> Interval.of(m, counts.rows(), population)));
    }

    private static Map<String, Estimate.Node> nodes(EstimateRequest request, Counts counts, LongFunction<Interval> interval) {
        if (!request.perNode()) {
            return null;
        }
        List<String> pointers = counts.pointers();
        Map<String, Estimate.Node> nodes = new LinkedHashMap<>();
        for (int i = 0; i < pointers.size(); i++) {
            Interval node = interval.apply(counts.matches()[i]);
            nodes.put(pointers.get(i), new Estimate.Node(node.estimate(), node.low(), node.high(), counts.matches()[i]));
        }
        return nodes;
    }

    private Rule parse(String rules) {
        try {
            return RuleParser.parse(json.readTree(rules), ROOT);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Measured(long version, Estimate estimate, boolean cached) {
    }
}
