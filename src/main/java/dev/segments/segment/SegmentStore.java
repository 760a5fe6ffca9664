package dev.segments.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.membership.MembershipStore;
import dev.segments.problem.ProblemException;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleParser;
import dev.segments.rule.SegmentRef;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** SQL for segment definitions, their attribute index and their dependency edges. */
@ApplicationScoped
public class SegmentStore {

    private static final String VIEW = """
            SELECT s.id, s.name, s.description, s.rules::text, s.is_composable, s.created_at, s.updated_at,
                   (SELECT coalesce(sum(st.member_count), 0)::bigint FROM segment_member_stats st WHERE st.segment_id = s.id),
                   (SELECT max(j.completed_at) FROM segment_compute_job j WHERE j.segment_id = s.id AND j.status = 'completed')
            FROM segment s""";

    private final ObjectMapper json;
    private final CatalogCache catalogs;

    public SegmentStore(ObjectMapper json, CatalogCache catalogs) {
        this.json = json;
        this.catalogs = catalogs;
    }

    public Uni<Optional<SegmentView>> find(SqlClient db, long id) {
        return catalogs.current(db).chain(catalog -> db.preparedQuery(VIEW + " WHERE s.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toView(rows.iterator().next(), catalog))));
    }

    public Uni<List<SegmentView>> page(SqlClient db, long after, int limit) {
        return catalogs.current(db).chain(catalog -> db.preparedQuery(VIEW + " WHERE s.id > $1 ORDER BY s.id LIMIT $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> toViews(rows, catalog)));
    }

    /** Fails with 404 unless the segment exists. */
    public Uni<Void> requireExists(SqlClient db, long id) {
        return db.preparedQuery("SELECT 1 FROM segment WHERE id = $1").execute(Tuple.of(id))
                .chain(rows -> rows.size() == 0
                        ? Uni.createFrom().failure(ProblemException.notFound("segment " + id))
                        : Uni.createFrom().voidItem());
    }

    public Uni<Boolean> lock(SqlClient db, long id) {
        return db.preparedQuery("SELECT id FROM segment WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Optional<String>> rules(SqlClient db, long id) {
        return db.preparedQuery("SELECT rules::text FROM segment WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
    }

    public Uni<Boolean> nameTaken(SqlClient db, String name, long exceptId) {
        return db.preparedQuery("SELECT 1 FROM segment WHERE name = $1 AND id <> $2").execute(Tuple.of(name, exceptId))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Set<Long>> existing(SqlClient db, Set<Long> ids) {
        return db.preparedQuery("SELECT id FROM segment WHERE id = ANY($1::bigint[])")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .map(rows -> {
                    Set<Long> found = new HashSet<>();
                    rows.forEach(row -> found.add(row.getLong(0)));
                    return found;
                });
    }

    /** Every dependency edge: segment id → the segments it references. */
    public Uni<Map<Long, Set<Long>>> dependencyGraph(SqlClient db) {
        return db.query("SELECT segment_id, depends_on FROM segment_dependency").execute().map(rows -> {
            Map<Long, Set<Long>> graph = new HashMap<>();
            rows.forEach(row -> graph.computeIfAbsent(row.getLong(0), k -> new HashSet<>()).add(row.getLong(1)));
            return graph;
        });
    }

    public Uni<List<Long>> dependents(SqlClient db, long id) {
        return db.preparedQuery("SELECT segment_id FROM segment_dependency WHERE depends_on = $1 ORDER BY segment_id")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getLong(0)));
                    return ids;
                });
    }

    public Uni<Long> insert(SqlClient db, String name, String description, Rule rule) {
        return db.preparedQuery("""
                INSERT INTO segment (name, description, rules, is_composable)
                VALUES ($1, $2, $3::text::jsonb, $4) RETURNING id""")
                .execute(Tuple.of(name, description, rule.canonical(), rule.isComposable()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Void> update(SqlClient db, long id, String name, String description, Rule rule) {
        return db.preparedQuery("""
                UPDATE segment SET name = $2, description = $3, rules = $4::text::jsonb, is_composable = $5,
                       updated_at = now()
                WHERE id = $1""")
                .execute(Tuple.of(id, name, description, rule.canonical(), rule.isComposable()))
                .replaceWithVoid();
    }

    /** Rewrites the attribute index and the dependency edges of one segment from its rule. */
    public Uni<Void> index(SqlClient db, long id, Rule rule) {
        String[] attributes = rule.attributes().toArray(String[]::new);
        Long[] references = rule.references().stream().map(SegmentRef::segmentId).distinct().toArray(Long[]::new);
        return db.preparedQuery("DELETE FROM segment_attribute WHERE segment_id = $1").execute(Tuple.of(id))
                .chain(() -> db.preparedQuery("DELETE FROM segment_dependency WHERE segment_id = $1").execute(Tuple.of(id)))
                .chain(() -> db.preparedQuery("""
                        INSERT INTO segment_attribute (attribute, segment_id) SELECT a, $1 FROM unnest($2::text[]) a""")
                        .execute(Tuple.of(id, attributes)))
                .chain(() -> db.preparedQuery("""
                        INSERT INTO segment_dependency (segment_id, depends_on) SELECT $1, d FROM unnest($2::bigint[]) d""")
                        .execute(Tuple.of(id, references)))
                .replaceWithVoid();
    }

    /**
     * Deletes a segment with its memberships (their event log stays: it is history) and removes it
     * from its members' segment sets, locking those rows in user order like every writer (V13), which
     * makes the sets' copies on dirty flags stale (V17).
     */
    public Uni<Void> delete(SqlClient db, long id) {
        return db.preparedQuery("DELETE FROM segment_membership WHERE segment_id = $1").execute(Tuple.of(id))
                .chain(() -> db.preparedQuery("""
                        UPDATE user_segment_set us SET segment_ids = array_remove(us.segment_ids, $1)
                        FROM (SELECT user_id FROM user_segment_set WHERE $1 = ANY (segment_ids) ORDER BY user_id FOR UPDATE) x
                        WHERE us.user_id = x.user_id""").execute(Tuple.of(id)))
                .chain(() -> MembershipStore.bumpSetEpoch(db))
                .chain(() -> db.preparedQuery("DELETE FROM segment WHERE id = $1").execute(Tuple.of(id)))
                .replaceWithVoid();
    }

    /** Tells every app instance that rules changed: their caches reload on next use. */
    public Uni<Void> bumpCatalogVersion(SqlClient db) {
        return db.query("UPDATE rule_catalog SET version = version + 1 WHERE id = 1").execute().replaceWithVoid();
    }

    private List<SegmentView> toViews(RowSet<Row> rows, Catalog catalog) {
        List<SegmentView> views = new ArrayList<>();
        rows.forEach(row -> views.add(toView(row, catalog)));
        return views;
    }

    private SegmentView toView(Row row, Catalog catalog) {
        try {
            JsonNode rules = RuleParser.parse(json.readTree(row.getString(3)), "/rules").toJson();
            return new SegmentView(row.getLong(0), row.getString(1), row.getString(2), rules,
                    row.getBoolean(4), catalog.isTimeDependent(row.getLong(0)), instant(row.getOffsetDateTime(5)), instant(row.getOffsetDateTime(6)),
                    row.getLong(7), instant(row.getOffsetDateTime(8)), null, List.of());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
