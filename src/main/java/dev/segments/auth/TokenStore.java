package dev.segments.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for {@code auth_token}: tokens are found by the SHA-256 of their secret. */
@ApplicationScoped
public class TokenStore {

    private static final String COLUMNS = "id, name, role, account_id, created_at, last_used_at, revoked_at";

    /** Inserts a token; empty when a token with this hash exists already (the bootstrap token on a restart). */
    public Uni<Optional<ApiToken>> insert(SqlClient db, String name, Role role, Long accountId, byte[] hash) {
        return db.preparedQuery("INSERT INTO auth_token (name, role, account_id, token_hash) VALUES ($1, $2, $3, $4)"
                        + " ON CONFLICT (token_hash) DO NOTHING RETURNING " + COLUMNS)
                .execute(Tuple.of(name, role.id(), accountId, io.vertx.core.buffer.Buffer.buffer(hash)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toToken(rows.iterator().next())));
    }

    /**
     * The caller a live token stands for: not revoked, its owner (if any) not disabled, its role capped
     * by the owner's. Marks it used (at most once a minute, so a busy token does not write every request).
     */
    public Uni<Optional<Caller>> authenticate(SqlClient db, byte[] hash) {
        return db.preparedQuery("""
                SELECT t.id, t.name, t.role, a.role, t.account_id,
                       t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'
                FROM auth_token t LEFT JOIN auth_account a ON a.id = t.account_id
                WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (a.id IS NULL OR NOT a.disabled)""")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<Caller>empty());
                    }
                    Row row = rows.iterator().next();
                    Role role = Role.parse(row.getString(2)).orElse(Role.VIEWER);
                    if (row.getString(3) != null) {
                        role = role.min(Role.parse(row.getString(3)).orElse(Role.VIEWER));
                    }
                    long id = row.getLong(0);
                    Caller caller = new Caller("token:" + row.getString(1), role, row.getLong(4), "token:" + id, null);
                    Uni<Optional<Caller>> found = Uni.createFrom().item(Optional.of(caller));
                    return row.getBoolean(5)
                            ? db.preparedQuery("UPDATE auth_token SET last_used_at = now() WHERE id = $1")
                                    .execute(Tuple.of(id)).chain(ignored -> found)
                            : found;
                });
    }

    public Uni<List<ApiToken>> page(SqlClient db, long after, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM auth_token WHERE id > $1 ORDER BY id LIMIT $2")
                .execute(Tuple.of(after, limit)).map(rows -> {
                    List<ApiToken> page = new ArrayList<>();
                    rows.forEach(row -> page.add(toToken(row)));
                    return page;
                });
    }

    public Uni<Optional<ApiToken>> find(SqlClient db, long id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM auth_token WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toToken(rows.iterator().next())));
    }

    /** Revokes a token (a second revoke keeps the first time); empty when there is no such token. */
    public Uni<Optional<ApiToken>> revoke(SqlClient db, long id) {
        return db.preparedQuery("UPDATE auth_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING "
                        + COLUMNS).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toToken(rows.iterator().next())));
    }

    private static ApiToken toToken(Row row) {
        return new ApiToken(row.getLong(0), row.getString(1), row.getString(2), row.getLong(3),
                row.getOffsetDateTime(4).toInstant(), instant(row.getOffsetDateTime(5)), instant(row.getOffsetDateTime(6)), null);
    }

    private static java.time.Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
