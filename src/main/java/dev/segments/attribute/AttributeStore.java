package dev.segments.attribute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL of the attribute catalog. Names, types and counts come from {@code attribute_stats}, kept by
 * triggers on every snapshot change (V4), so listing them reads a small table, never the snapshots.
 * Values are ranked from a Bernoulli sample of a bounded number of users, taken when asked.
 */
@ApplicationScoped
public class AttributeStore {

    private final ObjectMapper json;

    public AttributeStore(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Long> population(SqlClient db) {
        return db.query("SELECT coalesce(sum(users), 0)::bigint FROM snapshot_count").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Up to {@code limit} attributes named after {@code after}, by name. */
    public Uni<List<AttributeStats>> page(SqlClient db, String after, int limit, long population) {
        return db.preparedQuery("""
                WITH page AS (
                    SELECT attribute FROM attribute_stats WHERE attribute COLLATE "C" > $1
                    GROUP BY attribute HAVING sum(users) > 0 ORDER BY attribute COLLATE "C" LIMIT $2)
                SELECT a.attribute, a.json_type, sum(a.users)::bigint
                FROM attribute_stats a JOIN page p ON p.attribute = a.attribute
                GROUP BY a.attribute, a.json_type HAVING sum(a.users) > 0
                ORDER BY a.attribute COLLATE "C", a.json_type""")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    Map<String, Map<String, Long>> types = new LinkedHashMap<>();
                    rows.forEach(row -> types.computeIfAbsent(row.getString(0), k -> new LinkedHashMap<>())
                            .put(row.getString(1), row.getLong(2)));
                    List<AttributeStats> page = new ArrayList<>();
                    types.forEach((name, byType) -> {
                        long users = byType.values().stream().mapToLong(Long::longValue).sum();
                        page.add(new AttributeStats(name, users, population == 0 ? 0 : (double) users / population, byType));
                    });
                    return page;
                });
    }

    /** How many snapshots hold the attribute (0: the catalog has never seen it, or no one holds it now). */
    public Uni<Long> users(SqlClient db, String name) {
        return db.preparedQuery("SELECT coalesce(sum(users), 0)::bigint FROM attribute_stats WHERE attribute = $1")
                .execute(Tuple.of(name)).map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * The most frequent scalar values of an attribute (array elements count one by one) whose text
     * starts with {@code prefix}, ignoring case, in a Bernoulli sample of {@code percent} of the users.
     */
    public Uni<List<AttributeValue>> values(SqlClient db, String name, String prefix, int limit, double percent) {
        return db.preparedQuery("""
                SELECT v::text, jsonb_typeof(v), count(*)
                FROM (SELECT CASE WHEN jsonb_typeof(x.a) = 'array' THEN e.v ELSE x.a END AS v
                      FROM (SELECT s.attributes -> $1 AS a FROM user_attribute_snapshot s TABLESAMPLE BERNOULLI ($2::float4)
                            WHERE s.attributes ? $1) x
                      LEFT JOIN LATERAL jsonb_array_elements(
                          CASE WHEN jsonb_typeof(x.a) = 'array' THEN x.a ELSE '[]'::jsonb END) AS e(v) ON TRUE) y
                WHERE jsonb_typeof(v) IN ('string', 'number', 'boolean')
                  AND starts_with(lower(v #>> '{}'), lower($3))
                GROUP BY v ORDER BY count(*) DESC, v LIMIT $4""")
                .execute(Tuple.of(name, percent, prefix, limit))
                .map(rows -> {
                    List<AttributeValue> values = new ArrayList<>();
                    for (Row row : rows) {
                        long users = Math.round(row.getLong(2) * 100 / percent);
                        values.add(new AttributeValue(parse(row.getString(0)), row.getString(1), users));
                    }
                    return values;
                });
    }

    /** Folds the catalog's delta rows into one row per key; safe to run on several instances at once. */
    public Uni<Void> compact(SqlClient db) {
        return db.query("""
                WITH gone AS (DELETE FROM attribute_stats RETURNING *)
                INSERT INTO attribute_stats (attribute, json_type, users)
                SELECT attribute, json_type, sum(users) FROM gone GROUP BY attribute, json_type HAVING sum(users) <> 0""")
                .execute()
                .chain(() -> db.query("""
                        WITH gone AS (DELETE FROM snapshot_count RETURNING users)
                        INSERT INTO snapshot_count (users) SELECT coalesce(sum(users), 0) FROM gone""").execute())
                .replaceWithVoid();
    }

    private com.fasterxml.jackson.databind.JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
