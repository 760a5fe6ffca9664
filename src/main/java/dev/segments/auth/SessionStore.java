package dev.segments.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/** SQL for {@code auth_session}: sessions are found by the SHA-256 of the cookie's value. */
@ApplicationScoped
public class SessionStore {

    public Uni<Void> create(SqlClient db, byte[] hash, long accountId, Duration max) {
        return db.preparedQuery("INSERT INTO auth_session (id_hash, account_id, expires_at)"
                        + " VALUES ($1, $2, now() + make_interval(secs => $3))")
                .execute(Tuple.of(Buffer.buffer(hash), accountId, (double) max.toSeconds())).replaceWithVoid();
    }

    /**
     * The caller of a live session: not past its absolute expiry, used within {@code idle}, its account
     * enabled. Refreshes the idle clock (at most once a minute). Expired sessions of the account are deleted.
     */
    public Uni<Optional<Caller>> authenticate(SqlClient db, byte[] hash, Duration idle) {
        return db.preparedQuery("""
                SELECT a.id, a.username, a.role, s.last_seen_at < now() - interval '1 minute'
                FROM auth_session s JOIN auth_account a ON a.id = s.account_id
                WHERE s.id_hash = $1 AND NOT a.disabled AND s.expires_at > now()
                  AND s.last_seen_at > now() - make_interval(secs => $2)""")
                .execute(Tuple.of(Buffer.buffer(hash), (double) idle.toSeconds()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<Caller>empty());
                    }
                    Row row = rows.iterator().next();
                    Caller caller = new Caller(row.getString(1), Role.parse(row.getString(2)).orElse(Role.VIEWER),
                            row.getLong(0), "session:" + java.util.HexFormat.of().formatHex(hash, 0, 8), hash);
                    Uni<Optional<Caller>> found = Uni.createFrom().item(Optional.of(caller));
                    return row.getBoolean(3)
                            ? db.preparedQuery("UPDATE auth_session SET last_seen_at = now() WHERE id_hash = $1")
                                    .execute(Tuple.of(Buffer.buffer(hash))).chain(ignored -> found)
                            : found;
                });
    }

    public Uni<Void> delete(SqlClient db, byte[] hash) {
        return db.preparedQuery("DELETE FROM auth_session WHERE id_hash = $1").execute(Tuple.of(Buffer.buffer(hash)))
                .replaceWithVoid();
    }

    /** Ends every session of an account (disabled, or its password changed). */
    public Uni<Void> deleteAll(SqlClient db, long accountId) {
        return db.preparedQuery("DELETE FROM auth_session WHERE account_id = $1").execute(Tuple.of(accountId))
                .replaceWithVoid();
    }

    /** Deletes sessions past their absolute expiry or idle for longer than {@code idle}. */
    public Uni<Integer> purge(SqlClient db, Duration idle) {
        return db.preparedQuery("DELETE FROM auth_session WHERE expires_at <= now()"
                        + " OR last_seen_at <= now() - make_interval(secs => $1)").execute(Tuple.of((double) idle.toSeconds()))
                .map(rows -> rows.rowCount());
    }
}
