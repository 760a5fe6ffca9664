package dev.segments.user;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** SQL for attribute snapshots and dirty flags. */
@ApplicationScoped
public class SnapshotStore {

    private final ObjectMapper json;
    private final ObjectMapper doubles = new ObjectMapper();

    public SnapshotStore(ObjectMapper json) {
        this.json = json;
    }

    /** Marks users dirty for the next incremental pass (a new mark supersedes one being processed). */
    public Uni<Void> markDirty(SqlClient db, Long[] sortedUserIds) {
        return db.preparedQuery("""
                INSERT INTO dirty_user (user_id, seq)
                SELECT u, nextval('dirty_user_seq') FROM unnest($1::bigint[]) AS u
                ON CONFLICT (user_id) DO UPDATE SET seq = EXCLUDED.seq, marked_at = now()""")
                .execute(Tuple.of((Object) sortedUserIds)).replaceWithVoid();
    }

    /**
     * Leaves on the dirty flags of these users (which this transaction holds: it marked them) a copy of
     * their segment sets as they are after this transaction's writes, stamped with the segment-set
     * epoch of the read they were computed from (V17): the dirty-user pass uses a copy only while the
     * epoch is unchanged, that is while no full compute or segment deletion has written sets since.
     */
    public Uni<Void> copySegmentSets(SqlClient db, long epoch, Map<Long, Set<Long>> sets) {
        Long[] ids = sets.keySet().toArray(Long[]::new);
        String[] copies = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            StringJoiner copy = new StringJoiner(",", "{", "}");
            sets.get(ids[i]).forEach(id -> copy.add(Long.toString(id)));
            copies[i] = copy.toString();
        }
        return db.preparedQuery("""
                UPDATE dirty_user d SET segment_ids = x.s::bigint[], set_epoch = $3
                FROM unnest($1::bigint[], $2::text[]) AS x(u, s)
                WHERE d.user_id = ANY ($1::bigint[]) AND d.user_id = x.u""")
                .execute(Tuple.of(ids, copies, epoch)).replaceWithVoid();
    }

    /** Creates empty snapshots for users seen for the first time; answers which users were new. */
    public Uni<Set<Long>> createMissing(SqlClient db, Long[] sortedUserIds) {
        return db.preparedQuery("""
                INSERT INTO user_attribute_snapshot (user_id, attributes)
                SELECT u, '{}'::jsonb FROM unnest($1::bigint[]) AS u
                ON CONFLICT (user_id) DO NOTHING RETURNING user_id""")
                .execute(Tuple.of((Object) sortedUserIds))
                .map(rows -> {
                    Set<Long> created = new HashSet<>();
                    rows.forEach(row -> created.add(row.getLong(0)));
                    return created;
                });
    }

    /** Reads and row-locks the snapshots of these users until the transaction ends. */
    public Uni<Map<Long, Snapshot>> lock(SqlClient db, Long[] sortedUserIds) {
        return db.preparedQuery("""
                SELECT user_id, attributes::text, attribute_times::text FROM user_attribute_snapshot
                WHERE user_id = ANY($1::bigint[]) ORDER BY user_id FOR UPDATE""")
                .execute(Tuple.of((Object) sortedUserIds))
                .map(rows -> {
                    Map<Long, Snapshot> snapshots = new HashMap<>();
                    for (Row row : rows) {
                        long id = row.getLong(0);
                        snapshots.put(id, new Snapshot(id, object(row.getString(1)), object(row.getString(2))));
                    }
                    return snapshots;
                });
    }

    /**
     * A stored attribute document, for evaluation only: numbers are read as doubles, the type rules
     * compare them in.
     */
    public ObjectNode forEvaluation(String text) {
        return parse(doubles, text);
    }

    public Uni<Void> save(SqlClient db, Collection<Snapshot> snapshots) {
        int n = snapshots.size();
        Long[] ids = new Long[n];
        String[] attributes = new String[n];
        String[] times = new String[n];
        int i = 0;
        for (Snapshot snapshot : snapshots) {
            ids[i] = snapshot.userId();
            attributes[i] = snapshot.attributes().toString();
            times[i++] = snapshot.times().toString();
        }
        return db.preparedQuery("""
                UPDATE user_attribute_snapshot s
                SET attributes = x.a::jsonb, attribute_times = x.t::jsonb, updated_at = now()
                FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(u, a, t)
                WHERE s.user_id = x.u""")
                .execute(Tuple.of(ids, attributes, times)).replaceWithVoid();
    }

    /**
     * Removes a user's dirty flag, first thing in a user's deletion: like an event's marking, it waits
     * for a dirty-user pass that has claimed the user, so the deletion takes the same locks in the same
     * order as an event (flag, then snapshot) and changes no claimed user's memberships mid-pass.
     */
    public Uni<Void> unflag(SqlClient db, long userId) {
        return db.preparedQuery("DELETE FROM dirty_user WHERE user_id = $1").execute(Tuple.of(userId)).replaceWithVoid();
    }

    public Uni<Boolean> delete(SqlClient db, long userId) {
        return db.preparedQuery("DELETE FROM user_attribute_snapshot WHERE user_id = $1").execute(Tuple.of(userId))
                .map(rows -> rows.rowCount() > 0);
    }

    public ObjectNode object(String text) {
        return parse(json, text);
    }

    private static ObjectNode parse(ObjectMapper mapper, String text) {
        try {
            return (ObjectNode) mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
