package dev.segments.export;

import dev.segments.config.SegmentsConfig;
import dev.segments.db.AppInstance;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs queued exports on this instance, at most {@code segments.exports.parallelism} at a time. An
 * export is taken with {@code FOR UPDATE SKIP LOCKED} and marked running with this instance as its
 * owner, so instances never run the same one. One without progress ({@code heartbeat_at}, moved by
 * each webhook batch) for {@code segments.exports.stale-after} is queued again when its owner stopped
 * (no instance heartbeat for {@code segments.instances.dead-after}) or no longer runs it; a webhook
 * export then resumes at its first batch not yet accepted. A live owner keeps a long directory export,
 * which reports no progress while it writes. Exports queued through the API start at once; those
 * queued by completed computes are found by the poll.
 */
@ApplicationScoped
public class ExportWorker {

    private static final Logger LOG = Logger.getLogger(ExportWorker.class);

    private final Pool pool;
    private final ExportStore exports;
    private final DestinationStore destinations;
    private final DirectoryExport directory;
    private final WebhookExport webhook;
    private final SegmentsConfig config;
    private final Semaphore slots;
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final ExecutorService executor;
    private final AppInstance instance;
    /** The exports this instance runs now (claimed and not yet ended). */
    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    public ExportWorker(Pool pool, ExportStore exports, DestinationStore destinations, DirectoryExport directory,
            WebhookExport webhook, SegmentsConfig config, AppInstance instance) {
        this.instance = instance;
        this.pool = pool;
        this.exports = exports;
        this.destinations = destinations;
        this.directory = directory;
        this.webhook = webhook;
        this.config = config;
        this.slots = new Semaphore(config.exports().parallelism());
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "segments-export");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Looks for queued exports now, without waiting for them. */
    public void wake() {
        wanted.set(true);
        executor.execute(this::drain);
    }

    @Scheduled(identity = "exports", every = "${segments.exports.poll}", delayed = "2s",
            concurrentExecution = ConcurrentExecution.SKIP)
    void poll() {
        int requeued = pool.withTransaction(conn -> exports.requeueStale(conn, config.exports().staleAfter().toSeconds(),
                        config.instances().deadAfter().toSeconds(), instance.id(), running.toArray(Long[]::new)))
                .await().atMost(Duration.ofMinutes(1));
        if (requeued > 0) {
            LOG.warnf("Queued again %d exports whose instance stopped reporting", requeued);
        }
        for (int i = 0; i < config.exports().parallelism(); i++) {
            wake();
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /**
     * Runs queued exports until none is left, if a slot is free. A wake-up that finds every slot
     * taken is not lost: a runner looks again after its last claim found nothing.
     */
    private void drain() {
        do {
            if (!slots.tryAcquire()) {
                return;
            }
            try {
                wanted.set(false);
                Optional<ExportView> next;
                while (!Thread.currentThread().isInterrupted()
                        && (next = pool.withTransaction(conn -> exports.claim(conn, instance.id()))
                                .await().atMost(Duration.ofMinutes(1))).isPresent()) {
                    run(next.get());
                }
            } catch (RuntimeException e) {
                LOG.error("Export worker stopped", e);
                return;
            } finally {
                slots.release();
            }
        } while (wanted.get() && !Thread.currentThread().isInterrupted());
    }

    private void run(ExportView export) {
        running.add(export.id());
        try {
            Optional<Destination> destination = pool.withConnection(conn -> destinations.find(conn, export.destinationId()))
                    .await().atMost(Duration.ofMinutes(1));
            if (destination.isEmpty()) {
                return; // deleted with its exports
            }
            if (destination.get().isWebhook()) {
                webhook.run(export, destination.get());
            } else {
                directory.run(export, destination.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(export, "interrupted: the instance is stopping");
        } catch (WebhookDelivery.Failed e) {
            LOG.warnf("Export %d failed: %s", export.id(), e.getMessage());
            fail(export, e.getMessage());
        } catch (Exception e) {
            LOG.errorf(e, "Export %d failed", export.id());
            fail(export, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } finally {
            running.remove(export.id());
        }
    }

    private void fail(ExportView export, String error) {
        pool.withTransaction(conn -> exports.fail(conn, export.id(), error)).await().atMost(Duration.ofMinutes(1));
    }
}
