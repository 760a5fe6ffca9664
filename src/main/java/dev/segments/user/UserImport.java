package dev.segments.user;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bulk replace of snapshots from NDJSON, streamed line by line in one transaction: a bad line rejects
 * the whole import (400 naming the line), so nothing is half-loaded. Imported users are marked dirty;
 * the next incremental pass brings their memberships up to date. Runs on a worker thread.
 */
@ApplicationScoped
public class UserImport {

    private static final int BATCH = 5_000;

    private final Pool pool;
    private final ObjectMapper json;

    public UserImport(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    public long importLines(InputStream body) {
        SqlConnection conn = pool.getConnection().await().indefinitely();
        try {
            Transaction tx = conn.begin().await().indefinitely();
            try {
                long imported = readAll(conn, body);
                tx.commit().await().indefinitely();
                return imported;
            } catch (RuntimeException e) {
                tx.rollback().await().indefinitely();
                throw e;
            }
        } finally {
            conn.close().await().indefinitely();
        }
    }

    private long readAll(SqlConnection conn, InputStream body) {
        long micros = ChangeRequests.micros(Instant.now());
        Map<Long, String> batch = new LinkedHashMap<>();
        long imported = 0;
        int lineNumber = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                parseLine(line, lineNumber, batch);
                if (batch.size() >= BATCH) {
                    imported += write(conn, batch, micros);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return imported + write(conn, batch, micros);
    }

    private void parseLine(String line, int lineNumber, Map<Long, String> batch) {
        String at = "/" + lineNumber;
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(at, "line " + lineNumber + " is not valid JSON: " + e.getOriginalMessage());
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode userId = node.isObject() ? node.get("user_id") : null;
        if (userId == null || !userId.isIntegralNumber() || !userId.canConvertToLong() || userId.longValue() < 1) {
            errors.add(new FieldError(at + "/user_id", "line " + lineNumber + ": user_id must be a positive integer"));
        }
        AttributeValidator.check(node.isObject() ? node.get("attributes") : null, at + "/attributes", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        ObjectNode attributes = (ObjectNode) node.get("attributes");
        attributes.properties().removeIf(field -> field.getValue().isNull()); // absent, as a PATCH with null does
        batch.remove(userId.longValue()); // the last line for a user wins, in line order
        batch.put(userId.longValue(), attributes.toString());
    }

    private static long write(SqlConnection conn, Map<Long, String> batch, long micros) {
        if (batch.isEmpty()) {
            return 0;
        }
        TreeMap<Long, String> sorted = new TreeMap<>(batch);
        Long[] ids = sorted.keySet().toArray(Long[]::new);
        String[] attributes = sorted.values().toArray(String[]::new);
        conn.preparedQuery("""
                INSERT INTO user_attribute_snapshot (user_id, attributes, attribute_times, updated_at)
                SELECT x.u, x.a::jsonb,
                       (SELECT coalesce(jsonb_object_agg(k, $3::bigint), '{}'::jsonb) FROM jsonb_object_keys(x.a::jsonb) k),
                       now()
                FROM unnest($1::bigint[], $2::text[]) AS x(u, a)
                ON CONFLICT (user_id) DO UPDATE SET attributes = EXCLUDED.attributes,
                    attribute_times = EXCLUDED.attribute_times, updated_at = now()""")
                .execute(Tuple.of(ids, attributes, micros)).await().indefinitely();
        conn.preparedQuery("""
                INSERT INTO dirty_user (user_id, seq, attributes)
                SELECT u, nextval('dirty_user_seq'), (SELECT s.attributes::text FROM user_attribute_snapshot s WHERE s.user_id = u)
                FROM unnest($1::bigint[]) AS u
                ON CONFLICT (user_id) DO UPDATE SET seq = EXCLUDED.seq, marked_at = now(), attributes = EXCLUDED.attributes""")
                .execute(Tuple.of((Object) ids)).await().indefinitely();
        batch.clear();
        return ids.length;
    }
}
