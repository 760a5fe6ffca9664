package dev.segments.user;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL for the {@code user_key} table: external user ids that are not plain numbers, and their internal
 * ids (see {@link UserIds} and the V18 migration). Numeric ids never reach the database here. A mapping
 * never changes once made (rows are never updated or deleted), so mappings read are kept in a bounded
 * cache of this instance: repeat users of string-id customers cost no lookup.
 */
@ApplicationScoped
public class UserKeys {

    /** Mappings kept per instance; the cache starts over when it is full (about 30 MB at this size). */
    static final int CACHE_SIZE = 200_000;

    private final Map<String, Long> internalIds = new ConcurrentHashMap<>();
    private final Map<Long, String> externalIds = new ConcurrentHashMap<>();

    /**
     * The internal id of every external id, creating the missing mappings. Run outside the caller's
     * transaction (a mapping made for a request that then fails is harmless: it maps a user who has no
     * data yet), so no transaction holds the unique index entry of a new id longer than one statement.
     */
    public Uni<Map<String, Long>> resolve(SqlClient db, Collection<String> externalIds) {
        Map<String, Long> ids = new HashMap<>();
        TreeSet<String> lookup = new TreeSet<>();
        for (String external : externalIds) {
            long numeric = UserIds.numeric(external);
            Long cached = numeric > 0 ? null : internalIds.get(external);
            if (numeric > 0) {
                ids.put(external, numeric);
            } else if (cached != null) {
                ids.put(external, cached);
            } else {
                lookup.add(external);
            }
        }
        if (lookup.isEmpty()) {
            return Uni.createFrom().item(ids);
        }
        String[] wanted = lookup.toArray(String[]::new);
        return find(db, wanted, ids).chain(found -> {
            if (found == wanted.length) {
                return Uni.createFrom().item(ids);
            }
            String[] missing = lookup.stream().filter(id -> !ids.containsKey(id)).toArray(String[]::new);
            // sorted, so two requests creating the same new ids take their index entries in one order;
            // a concurrent creator's rows are read by the second statement (a new snapshot)
            return db.preparedQuery("""
                            INSERT INTO user_key (id, external_id)
                            SELECT nextval('user_key_seq'), e FROM unnest($1::text[]) AS e
                            ON CONFLICT (external_id) DO NOTHING""")
                    .execute(Tuple.of((Object) missing))
                    .chain(() -> find(db, missing, ids))
                    .map(ignored -> ids);
        });
    }

    /** The internal id of one external id, or null when no user has ever had it. */
    public Uni<Long> find(SqlClient db, String externalId) {
        long numeric = UserIds.numeric(externalId);
        if (numeric > 0) {
            return Uni.createFrom().item(numeric);
        }
        Long cached = internalIds.get(externalId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        Map<String, Long> found = new HashMap<>();
        return find(db, new String[] {externalId}, found).map(ignored -> found.get(externalId));
    }

    private Uni<Integer> find(SqlClient db, String[] externalIds, Map<String, Long> into) {
        return db.preparedQuery("SELECT external_id, id FROM user_key WHERE external_id = ANY ($1::text[])")
                .execute(Tuple.of((Object) externalIds))
                .map(rows -> {
                    for (Row row : rows) {
                        into.put(row.getString(0), row.getLong(1));
                        remember(row.getString(0), row.getLong(1));
                    }
                    return rows.size();
                });
    }

    private void remember(String external, long internal) {
        if (internalIds.size() >= CACHE_SIZE || this.externalIds.size() >= CACHE_SIZE) {
            internalIds.clear();
            this.externalIds.clear();
        }
        internalIds.put(external, internal);
        this.externalIds.put(internal, external);
    }

    /** The external id of every internal id given. */
    public Uni<Map<Long, String>> externalIds(SqlClient db, Collection<Long> internalIds) {
        Map<Long, String> ids = new HashMap<>();
        List<Long> lookup = new ArrayList<>();
        for (Long internal : internalIds) {
            String cached = UserIds.readsAsNumber(internal) ? null : this.externalIds.get(internal);
            if (UserIds.readsAsNumber(internal)) {
                ids.put(internal, Long.toString(internal));
            } else if (cached != null) {
                ids.put(internal, cached);
            } else {
                lookup.add(internal);
            }
        }
        if (lookup.isEmpty()) {
            return Uni.createFrom().item(ids);
        }
        return db.preparedQuery("SELECT id, external_id FROM user_key WHERE id = ANY ($1::bigint[])")
                .execute(Tuple.of((Object) lookup.toArray(Long[]::new)))
                .map(rows -> {
                    for (Row row : rows) {
                        ids.put(row.getLong(0), row.getString(1));
                        remember(row.getString(1), row.getLong(0));
                    }
                    return ids;
                });
    }

    /** The external id of one internal id. */
    public Uni<String> externalId(SqlClient db, long internalId) {
        return externalIds(db, List.of(internalId)).map(ids -> ids.get(internalId));
    }
}
