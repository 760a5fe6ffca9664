package dev.segments.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.segment.CatalogSegment;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.LongPredicate;
import org.jboss.logging.Logger;

/**
 * Reads every snapshot once and evaluates many segments per user in memory, on all cores, with a
 * bounded number of batches in flight (memory stays flat at any table size). Segments come in
 * dependency order, so a reference is answered by the result just computed for the same user.
 */
@ApplicationScoped
class SnapshotScan {

    private static final Logger LOG = Logger.getLogger(SnapshotScan.class);

    private static final int BATCH = 2_048;

    /** The fingerprint of each segment's evaluated members at {@code now}, in the order of {@code segments}. */
    Fingerprint[] evaluate(Connection conn, List<CatalogSegment> segments, Instant now) throws SQLException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "full-sweep-evaluator");
            thread.setDaemon(true);
            return thread;
        });
        Semaphore inFlight = new Semaphore(threads * 2);
        List<Future<Fingerprint[]>> results = new ArrayList<>();
        try (SnapshotCopy rows = new SnapshotCopy(conn)) {
            long[] ids = new long[BATCH];
            byte[][] documents = new byte[BATCH][];
            int size = 0;
            while (rows.next()) {
                ids[size] = rows.userId();
                documents[size++] = rows.document();
                if (size == BATCH) {
                    results.add(submit(workers, inFlight, segments, ids, documents, size, now));
                    ids = new long[BATCH];
                    documents = new byte[BATCH][];
                    size = 0;
                }
            }
            if (size > 0) {
                results.add(submit(workers, inFlight, segments, ids, documents, size, now));
            }
            long waited = System.nanoTime();
            Fingerprint[] merged = merge(results, segments.size());
            LOG.debugf("Scan: %d batches read; waited %d ms for the evaluators after the last row",
                    results.size(), (System.nanoTime() - waited) / 1_000_000);
            return merged;
        } finally {
            workers.shutdownNow();
        }
    }

    private Future<Fingerprint[]> submit(ExecutorService workers, Semaphore inFlight, List<CatalogSegment> segments,
            long[] ids, byte[][] documents, int size, Instant now) {
        inFlight.acquireUninterruptibly();
        return workers.submit(() -> {
            try {
                return evaluateBatch(segments, ids, documents, size, now);
            } finally {
                inFlight.release();
            }
        });
    }

    private Fingerprint[] evaluateBatch(List<CatalogSegment> segments, long[] ids, byte[][] documents, int size,
            Instant now) {
        int count = segments.size();
        Fingerprint[] fingerprints = newFingerprints(count);
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < count; i++) {
            index.put(segments.get(i).id(), i);
        }
        boolean[] matched = new boolean[count];
        LongPredicate isMember = id -> {
            Integer i = index.get(id);
            return i != null && matched[i];
        };
        UsedAttributes parser = new UsedAttributes(segments);
        for (int row = 0; row < size; row++) {
            ObjectNode attributes = parser.parse(documents[row]);
            for (int i = 0; i < count; i++) {
                matched[i] = segments.get(i).compiled().test(attributes, isMember, now);
                if (matched[i]) {
                    fingerprints[i].add(ids[row]);
                }
            }
        }
        return fingerprints;
    }

    private static Fingerprint[] merge(List<Future<Fingerprint[]>> results, int count) throws SQLException {
        Fingerprint[] total = newFingerprints(count);
        try {
            for (Future<Fingerprint[]> result : results) {
                Fingerprint[] part = result.get();
                for (int i = 0; i < count; i++) {
                    total[i].add(part[i]);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while evaluating snapshots", e);
        } catch (ExecutionException e) {
            throw new SQLException("Evaluating snapshots failed", e.getCause());
        }
        return total;
    }

    private static Fingerprint[] newFingerprints(int count) {
        Fingerprint[] fingerprints = new Fingerprint[count];
        for (int i = 0; i < count; i++) {
            fingerprints[i] = new Fingerprint();
        }
        return fingerprints;
    }
}
