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
import java.util.Arrays;
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
     * Reads and row-locks the snapshots of these users until the transaction ends, creating empty ones for
     * the users that have none: only those the locking read did not find are inserted (at steady state none,
     * so a batch costs one statement, not a speculative insert of every user before the read). Answers
     * the snapshots and which of them were created here. A user created by a concurrent writer between
     * the read and the insert (the insert then skips it, after waiting for that writer's commit) is read
     * and locked again; two intakes never race so, since both hold the user's dirty flag first.
     */
    public Uni<Locked> lockOrCreate(SqlClient db, Long[] sortedUserIds) {
        return lock(db, sortedUserIds).chain(found -> {
            Long[] missing = Arrays.stream(sortedUserIds).filter(id -> !found.containsKey(id)).toArray(Long[]::new);
            if (missing.length == 0) {
                return Uni.createFrom().item(new Locked(found, Set.of()));
            }
            return db.preparedQuery("""
                    INSERT INTO user_attribute_snapshot (user_id, attributes)
                    SELECT u, '{}'::jsonb FROM unnest($1::bigint[]) AS u
                    ON CONFLICT (user_id) DO NOTHING RETURNING user_id, attributes::text, attribute_times::text""")
                    .execute(Tuple.of((Object) missing))
                    .chain(rows -> {
                        Map<Long, Snapshot> snapshots = new HashMap<>(found);
                        Set<Long> created = new HashSet<>();
                        for (Row row : rows) {
                            long id = row.getLong(0);
                            snapshots.put(id, new Snapshot(id, object(row.getString(1)), object(row.getString(2))));
                            created.add(id);
                        }
                        Long[] raced = Arrays.stream(missing).filter(id -> !created.contains(id)).toArray(Long[]::new);
                        if (raced.length == 0) {
                            return Uni.createFrom().item(new Locked(snapshots, created));
                        }
                        return lockOrCreate(db, raced).map(again -> {
                            snapshots.putAll(again.snapshots());
                            created.addAll(again.created());
                            return new Locked(snapshots, created);
                        });
                    });
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

    /**
     * Writes the merged snapshots of an event batch with its bookkeeping, in three statements: V21's
     * switches on, then one statement that updates the snapshots and the users' dirty flags, then the
     * catalog deltas with the switches off again. So only the snapshot UPDATE runs without the catalog-count
     * and flag-copy triggers, whose duty this method does instead:
     * <ul>
     * <li>the catalog's count deltas are the batch's own ({@link CatalogDeltas}, from the documents before
     * and after), inserted in this transaction;
     * <li>every flag of these users (which this transaction holds: it marked them) is written once after the
     * marking, with a copy of the user's attributes as stored ({@code attributes::text} of the updated row,
     * the V16 copy) and of the user's segment set as this transaction leaves it, stamped with the segment-set
     * epoch of the read the set was computed from (V17: the dirty-user pass uses a copy only while the epoch
     * is unchanged, that is while no full compute or segment deletion has written sets since).
     * </ul>
     * The catalog trigger still moves the data version. Every other writer of snapshots keeps the triggers.
     */
    public Uni<Void> save(SqlClient db, Collection<Snapshot> snapshots, CatalogDeltas deltas, long epoch,
            Map<Long, Set<Long>> sets) {
        int n = snapshots.size();
        Long[] ids = new Long[n];
        String[] attributes = new String[n];
        String[] times = new String[n];
        String[] copies = new String[n];
        int i = 0;
        for (Snapshot snapshot : snapshots) {
            ids[i] = snapshot.userId();
            attributes[i] = snapshot.attributes().toString();
            times[i] = snapshot.times().toString();
            StringJoiner copy = new StringJoiner(",", "{", "}");
            sets.get(snapshot.userId()).forEach(id -> copy.add(Long.toString(id)));
            copies[i++] = copy.toString();
        }
        CatalogDeltas.Rows counted = deltas.rows();
        // the three statements are sent together (pipelined) and run in this order
        return Uni.combine().all().unis(db.query("""
                SELECT set_config('segments.catalog_by_writer', 'on', true),
                       set_config('segments.flag_copy_by_writer', 'on', true)""").execute(),
                db.preparedQuery("""
                        WITH saved AS (
                            UPDATE user_attribute_snapshot s
                            SET attributes = x.a::jsonb, attribute_times = x.t::jsonb, updated_at = now()
                            FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS x(u, a, t, c)
                            WHERE s.user_id = x.u
                            RETURNING s.user_id, s.attributes, x.c)
                        UPDATE dirty_user d SET attributes = saved.attributes::text, segment_ids = saved.c::bigint[],
                            set_epoch = $5
                        FROM saved
                        WHERE d.user_id = ANY ($1::bigint[]) AND d.user_id = saved.user_id""")
                        .execute(Tuple.of(ids, attributes, times, copies, epoch)),
                db.preparedQuery("""
                        WITH counted AS (
                            INSERT INTO attribute_stats (attribute, json_type, users)
                            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]))
                        SELECT set_config('segments.catalog_by_writer', 'off', true),
                               set_config('segments.flag_copy_by_writer', 'off', true)""")
                        .execute(Tuple.of(counted.attributes(), counted.types(), counted.counts())))
                .discardItems();
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

    /** Locked snapshots by user, and the users whose snapshot was created by this transaction. */
    public record Locked(Map<Long, Snapshot> snapshots, Set<Long> created) {
    }
}
