package dev.segments.compute;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.segment.CatalogSegment;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * Numbers as doubles, the type rules compare them in (exactly what the app's decimal-keeping
     * mapper would give after conversion, without a BigDecimal per number).
     */
    private final ObjectMapper json = new ObjectMapper();

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
        Set<String> used = new HashSet<>();
        segments.forEach(segment -> used.addAll(segment.rule().attributes()));
        for (int row = 0; row < size; row++) {
            ObjectNode attributes = parse(documents[row], used);
            for (int i = 0; i < count; i++) {
                matched[i] = segments.get(i).compiled().test(attributes, isMember, now);
                if (matched[i]) {
                    fingerprints[i].add(ids[row]);
                }
            }
        }
        return fingerprints;
    }

    /** Reads only the attributes some rule uses; the others are skipped without building nodes. */
    private ObjectNode parse(byte[] document, Set<String> used) {
        ObjectNode attributes = json.createObjectNode();
        try (JsonParser parser = json.createParser(document)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (used.contains(name)) {
                    attributes.set(name, value(parser));
                } else {
                    parser.skipChildren();
                }
            }
            return attributes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Scalars are built directly from the token (the common case); arrays and objects by the mapper. */
    private JsonNode value(JsonParser parser) throws IOException {
        JsonNodeFactory nodes = json.getNodeFactory();
        switch (parser.currentToken()) {
            case VALUE_STRING:
                return nodes.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? nodes.numberNode(parser.getBigIntegerValue()) : nodes.numberNode(parser.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return nodes.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return nodes.booleanNode(true);
            case VALUE_FALSE:
                return nodes.booleanNode(false);
            case VALUE_NULL:
                return nodes.nullNode();
            default:
                return json.readTree(parser);
        }
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
