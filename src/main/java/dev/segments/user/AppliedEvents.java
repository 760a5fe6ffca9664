package dev.segments.user;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SQL for {@code applied_event}, the idempotency keys of applied changes: a key is recorded in the
 * transaction that applies its change, so a change is applied exactly when its key is new, also across a
 * crash between the commit and the delivery's acknowledgement.
 */
@ApplicationScoped
public class AppliedEvents {

    /** One (internal user id, event id) key. */
    public record Key(long userId, String eventId) {
    }

    /**
     * Records these keys (distinct, sorted, so concurrent callers take their index entries in one order)
     * and answers the ones that were new. A key being recorded by a transaction still open waits for it.
     */
    public Uni<Set<Key>> record(SqlClient db, List<Key> sortedKeys) {
        Long[] users = new Long[sortedKeys.size()];
        String[] events = new String[sortedKeys.size()];
        for (int i = 0; i < users.length; i++) {
            users[i] = sortedKeys.get(i).userId();
            events[i] = sortedKeys.get(i).eventId();
        }
        return db.preparedQuery("""
                        INSERT INTO applied_event (user_id, event_id)
                        SELECT * FROM unnest($1::bigint[], $2::text[])
                        ON CONFLICT DO NOTHING RETURNING user_id, event_id""")
                .execute(Tuple.of(users, events))
                .map(rows -> {
                    Set<Key> fresh = new HashSet<>();
                    for (Row row : rows) {
                        fresh.add(new Key(row.getLong(0), row.getString(1)));
                    }
                    return fresh;
                });
    }

    /** Forgets keys applied longer ago than {@code window}; answers how many. */
    public Uni<Integer> forgetOlderThan(SqlClient db, Duration window) {
        return db.preparedQuery("DELETE FROM applied_event WHERE applied_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) window.toSeconds()))
                .map(rows -> rows.rowCount());
    }
}
