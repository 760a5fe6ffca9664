package dev.segments.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.RequestFields;
import dev.segments.problem.ProblemException;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Starts, reads and retries exports; keeps subscriptions. */
@ApplicationScoped
public class ExportService {

    private final Pool pool;
    private final ExportStore exports;
    private final SubscriptionStore subscriptions;
    private final DestinationStore destinations;
    private final SegmentStore segments;
    private final ExportWorker worker;

    public ExportService(Pool pool, ExportStore exports, SubscriptionStore subscriptions, DestinationStore destinations,
            SegmentStore segments, ExportWorker worker) {
        this.pool = pool;
        this.exports = exports;
        this.subscriptions = subscriptions;
        this.destinations = destinations;
        this.segments = segments;
        this.worker = worker;
    }

    /** Queues an export of the segment and starts it; answers the queued job. */
    public Uni<ExportView> start(long segmentId, JsonNode body) {
        RequestFields fields = new RequestFields(body, Set.of("destination_id", "format", "mode"));
        long destinationId = fields.id("destination_id");
        Choice choice = choice(fields);
        fields.done();
        return pool.withTransaction(conn -> segments.requireExists(conn, segmentId)
                        .chain(() -> requireDestination(conn, destinationId, "/destination_id"))
                        .chain(() -> exports.queue(conn, segmentId, destinationId, choice.format(), choice.mode())))
                .invoke(worker::wake);
    }

    public Uni<ExportView> get(long id) {
        return pool.withConnection(conn -> exports.find(conn, id))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("export " + id)));
    }

    public Uni<List<ExportView>> pageForSegment(long segmentId, long before, int limit) {
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                .chain(() -> exports.pageForSegment(conn, segmentId, before, limit)));
    }

    /** Queues a failed export again (it resumes where it stopped); 409 unless it failed. */
    public Uni<ExportView> retry(long id) {
        return pool.withTransaction(conn -> exports.retry(conn, id)
                        .chain(retried -> retried.isPresent() ? Uni.createFrom().item(retried.get())
                                : exports.find(conn, id).map(found -> {
                                    throw found.isEmpty() ? ProblemException.notFound("export " + id)
                                            : ProblemException.conflict(null, "export " + id + " is " + found.get().status()
                                                    + "; only a failed export can be retried");
                                })))
                .invoke(worker::wake);
    }

    /** The file a completed directory export wrote (on this server's file system). */
    public Uni<Path> file(long id) {
        return get(id).chain(export -> pool.withConnection(conn -> destinations.find(conn, export.destinationId()))
                .map(destination -> {
                    if (!"completed".equals(export.status()) || export.fileName() == null || destination.isEmpty()) {
                        throw ProblemException.conflict(null, "export " + id + " has no file (it is " + export.status()
                                + (destination.map(Destination::isWebhook).orElse(false) ? ", to a webhook)" : ")"));
                    }
                    Path file = Path.of(destination.get().path()).resolve(export.fileName());
                    if (!Files.isReadable(file)) {
                        throw ProblemException.notFound("file " + export.fileName() + " on this server");
                    }
                    return file;
                }));
    }

    public Uni<Subscription> subscribe(long segmentId, long destinationId, JsonNode body) {
        RequestFields fields = new RequestFields(body == null || body.isNull()
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : body, Set.of("format", "mode"));
        Choice choice = choice(fields);
        fields.done();
        return pool.withTransaction(conn -> segments.requireExists(conn, segmentId)
                .chain(() -> requireDestination(conn, destinationId, null))
                .chain(() -> subscriptions.upsert(conn, segmentId, destinationId, choice.format(), choice.mode())));
    }

    public Uni<Void> unsubscribe(long segmentId, long destinationId) {
        return pool.withTransaction(conn -> segments.requireExists(conn, segmentId)
                .chain(() -> subscriptions.delete(conn, segmentId, destinationId))
                .chain(deleted -> deleted ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(ProblemException.notFound("subscription of segment " + segmentId
                                + " to destination " + destinationId))));
    }

    public Uni<List<Subscription>> subscriptions(long segmentId, long after, int limit) {
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                .chain(() -> subscriptions.page(conn, segmentId, after, limit)));
    }

    /** A destination named in the body is a 400 at its pointer when unknown; one in the path a 404. */
    private Uni<Void> requireDestination(SqlClient db, long id, String pointer) {
        return destinations.find(db, id).chain(found -> found.isPresent() ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(pointer == null ? ProblemException.notFound("destination " + id)
                        : ProblemException.badRequest(pointer, "destination " + id + " does not exist")));
    }

    private static Choice choice(RequestFields fields) {
        String format = fields.text("format", false, 10);
        String mode = fields.text("mode", false, 10);
        ExportFormat f = format == null ? ExportFormat.CSV : ExportFormat.of(format).orElse(null);
        ExportMode m = mode == null ? ExportMode.FULL : ExportMode.of(mode).orElse(null);
        if (f == null) {
            fields.error("format", "format must be \"csv\", \"json\" or \"ndjson\"");
        }
        if (m == null) {
            fields.error("mode", "mode must be \"full\" or \"diff\"");
        }
        return new Choice(f, m);
    }

    private record Choice(ExportFormat format, ExportMode mode) {
    }
}
