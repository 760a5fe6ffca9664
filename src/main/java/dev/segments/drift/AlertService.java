package dev.segments.drift;

import dev.segments.problem.ProblemException;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Alert thresholds, the staleness check and the hand-over of tripped alerts to the notifier. */
@ApplicationScoped
public class AlertService {

    private static final int NOTIFY_BATCH = 100;

    private final Pool pool;
    private final AlertStore alerts;
    private final SegmentStore segments;
    private final AlertNotifier notifier;

    public AlertService(Pool pool, AlertStore alerts, SegmentStore segments, AlertNotifier notifier) {
        this.pool = pool;
        this.alerts = alerts;
        this.segments = segments;
        this.notifier = notifier;
    }

    public Uni<AlertSettings> settings(long segmentId) {
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                .chain(() -> alerts.settings(conn, segmentId))
                .map(found -> found.orElseGet(() -> new AlertSettings(segmentId, AlertSettings.DEFAULT_RELATIVE_CHANGE,
                        AlertSettings.DEFAULT_MIN_PREVIOUS_COUNT, true, AlertSettings.DEFAULT_STALE_AFTER_HOURS, null, null))));
    }

    public Uni<AlertSettings> saveSettings(AlertSettings settings) {
        long id = settings.segmentId();
        return pool.withTransaction(conn -> segments.lock(conn, id)
                        .chain(found -> found ? requireWebhook(conn, settings.destinationId())
                                : Uni.createFrom().failure(ProblemException.notFound("segment " + id)))
                        .chain(() -> alerts.saveSettings(conn, settings)))
                .chain(() -> settings(id));
    }

    /** Alerts can only be sent to an existing webhook destination (none: only listed). */
    private static Uni<Void> requireWebhook(SqlConnection conn, Long destinationId) {
        if (destinationId == null) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("SELECT kind FROM export_destination WHERE id = $1").execute(Tuple.of(destinationId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.badRequest("/destination_id", "no destination " + destinationId);
                    }
                    if (!"webhook".equals(rows.iterator().next().getString(0))) {
                        throw ProblemException.badRequest("/destination_id",
                                "destination " + destinationId + " is not a webhook; alerts are sent to webhooks only");
                    }
                    return null;
                })
                .replaceWithVoid();
    }

    public Uni<List<Alert>> page(String status, Long segmentId, long beforeId, int limit) {
        return pool.withConnection(conn -> alerts.page(conn, status, segmentId, beforeId, limit));
    }

    public Uni<Alert> acknowledge(long id) {
        return pool.withTransaction(conn -> alerts.acknowledge(conn, id))
                .map(alert -> alert.orElseThrow(() -> ProblemException.notFound("alert " + id)));
    }

    /** Opens stale alerts as of {@code now}; answers how many. */
    public Uni<Integer> checkStale(Instant now) {
        return pool.withTransaction(conn -> alerts.openStale(conn, now));
    }

    /**
     * Hands tripped alerts with a destination to the notifier, a batch per transaction: the rows stay
     * locked until they are marked, so two instances never send the same alert, and a failed send
     * rolls its batch back to be tried again. Answers how many were sent.
     */
    public Uni<Integer> dispatch() {
        return pool.withTransaction(conn -> alerts.claimUnnotified(conn, NOTIFY_BATCH)
                .chain(claimed -> Multi.createFrom().iterable(claimed)
                        .onItem().transformToUniAndConcatenate(alert -> notifier.send(alert, alert.destinationId())
                                .chain(() -> alerts.markNotified(conn, alert.id())))
                        .collect().last()
                        .replaceWith(claimed.size())));
    }
}
