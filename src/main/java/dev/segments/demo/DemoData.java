package dev.segments.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.config.SegmentsConfig;
import dev.segments.export.DestinationService;
import dev.segments.segment.SegmentRequest;
import dev.segments.segment.SegmentService;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Loads synthetic users and example segments into an empty database (dev mode and the embedded
 * database only, see {@code segments.demo.enabled}), so that a new user sees a working product.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    private final Pool pool;
    private final DestinationService destinations;
    private final SegmentService segments;
    private final SegmentsConfig config;
    private final ObjectMapper json;

    public DemoData(Pool pool, SegmentService segments, DestinationService destinations, SegmentsConfig config,
            ObjectMapper json) {
        this.destinations = destinations;
        this.pool = pool;
        this.segments = segments;
        this.config = config;
        this.json = json;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.demo().enabled()) {
            return;
        }
        pool.withConnection(conn -> conn.query(
                        "SELECT NOT EXISTS (SELECT 1 FROM segment) AND NOT EXISTS (SELECT 1 FROM user_attribute_snapshot)")
                        .execute())
                .chain(rows -> rows.iterator().next().getBoolean(0) ? load() : Uni.createFrom().voidItem())
                .subscribe().with(done -> { }, failure -> LOG.error("Could not load the demo data", failure));
    }

    private Uni<Void> load() {
        int users = config.demo().users();
        LOG.infof("Empty database: loading %d demo users and the example segments", users);
        return pool.withTransaction(conn -> conn.preparedQuery(DemoUsers.INSERT).execute(Tuple.of(users)))
                .chain(() -> createInOrder(exampleSegments()))
                .invoke(created -> LOG.infof("Demo data loaded: %d users, %d segments (computing now)", users, created.size()))
                .chain(() -> destinations.create(json.createObjectNode().put("name", "Demo files").put("type", "directory")
                        .put("path", destinations.root().resolve("demo").toString())))
                .invoke(destination -> LOG.infof("Demo destination \"Demo files\" writes exports to %s", destination.path()))
                .replaceWithVoid();
    }

    /** Creates the segments one by one; {"segment": n} in the file means the n-th segment of the file. */
    private Uni<List<Long>> createInOrder(List<JsonNode> definitions) {
        List<Long> ids = new ArrayList<>();
        return Multi.createFrom().iterable(definitions)
                .onItem().transformToUniAndConcatenate(definition -> {
                    JsonNode body = definition.deepCopy();
                    renumber(body.get("rules"), ids);
                    return segments.create(SegmentRequest.from(body)).invoke(created -> ids.add(created.id()));
                })
                .collect().last()
                .replaceWith(ids);
    }

    private static void renumber(JsonNode node, List<Long> ids) {
        if (node.has("segment")) {
            ((ObjectNode) node).put("segment", ids.get(node.get("segment").intValue() - 1));
        }
        node.path("conditions").forEach(child -> renumber(child, ids));
    }

    private List<JsonNode> exampleSegments() {
        try (InputStream in = getClass().getResourceAsStream("/demo/segments.json")) {
            List<JsonNode> definitions = new ArrayList<>();
            json.readTree(in).forEach(definitions::add);
            return definitions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
