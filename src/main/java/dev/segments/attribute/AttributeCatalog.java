package dev.segments.attribute;

import dev.segments.config.SegmentsConfig;
import dev.segments.estimate.EstimateStore;
import dev.segments.problem.ProblemException;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The attributes seen in snapshots, for the rule builder: names with their JSON types and counts
 * (trigger-kept, so current after imports, changes, events and deletions), and the most frequent
 * values of one attribute for autocomplete (from a bounded sample, so the cost does not grow with
 * the number of users).
 */
@ApplicationScoped
public class AttributeCatalog {

    private final Pool pool;
    private final AttributeStore store;
    private final SegmentsConfig.Estimate config;

    public AttributeCatalog(Pool pool, AttributeStore store, SegmentsConfig config) {
        this.pool = pool;
        this.store = store;
        this.config = config.estimate();
    }

    public record Page(List<AttributeStats> attributes, long population, String nextAfter) {
    }

    public record Values(String attribute, List<AttributeValue> values, double samplePercent) {
    }

    public Uni<Page> page(String after, int limit) {
        return pool.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
                .chain(() -> store.population(conn))
                .chain(population -> store.page(conn, after, limit, population).map(attributes -> new Page(attributes,
                        population, attributes.size() == limit ? attributes.get(limit - 1).name() : null))));
    }

    /** 404 if no snapshot holds the attribute. */
    public Uni<Values> values(String name, String prefix, int limit) {
        return pool.withTransaction(conn -> EstimateStore.timeout(conn, config.timeout())
                .chain(() -> store.users(conn, name))
                .chain(users -> users == 0
                        ? Uni.createFrom().failure(ProblemException.notFound("attribute \"" + name + "\""))
                        : store.population(conn))
                .chain(population -> {
                    double percent = Math.min(100, 100.0 * config.valueSampleUsers() / Math.max(1, population));
                    return store.values(conn, name, prefix, limit, percent).map(values -> new Values(name, values, percent));
                }));
    }

    /** Folds the counters' delta rows every ten seconds. */
    @Scheduled(identity = "attribute-stats-compaction", every = "10s", delayed = "10s",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> compact() {
        return pool.withTransaction(store::compact);
    }
}
