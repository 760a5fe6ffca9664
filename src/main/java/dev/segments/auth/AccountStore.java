package dev.segments.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for {@code auth_account}. */
@ApplicationScoped
public class AccountStore {

    private static final String COLUMNS = "id, username, role, disabled, password_hash IS NOT NULL, created_at, updated_at";

    /** Inserts the account unless the name is taken; empty when it was. */
    public Uni<Optional<Account>> insert(SqlClient db, String username, String passwordHash, Role role) {
        return db.preparedQuery("INSERT INTO auth_account (username, password_hash, role) VALUES ($1, $2, $3)"
                        + " ON CONFLICT (username) DO NOTHING RETURNING " + COLUMNS)
                .execute(Tuple.of(username, passwordHash, role.id())).map(AccountStore::first);
    }

    public Uni<Optional<Account>> find(SqlClient db, long id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM auth_account WHERE id = $1").execute(Tuple.of(id))
                .map(AccountStore::first);
    }

    public Uni<Optional<Account>> findByName(SqlClient db, String username) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM auth_account WHERE username = $1").execute(Tuple.of(username))
                .map(AccountStore::first);
    }

    /** The stored password hash of an enabled account (empty if none, disabled or without password). */
    public Uni<Optional<LoginCandidate>> loginCandidate(SqlClient db, String username) {
        return db.preparedQuery("SELECT id, password_hash FROM auth_account WHERE username = $1 AND NOT disabled"
                        + " AND password_hash IS NOT NULL").execute(Tuple.of(username))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(new LoginCandidate(rows.iterator().next().getLong(0), rows.iterator().next().getString(1))));
    }

    public Uni<List<Account>> page(SqlClient db, long after, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM auth_account WHERE id > $1 ORDER BY id LIMIT $2")
                .execute(Tuple.of(after, limit)).map(rows -> {
                    List<Account> page = new ArrayList<>();
                    rows.forEach(row -> page.add(toAccount(row)));
                    return page;
                });
    }

    /** Changes what is given (null: unchanged); empty when there is no such account. */
    public Uni<Optional<Account>> update(SqlClient db, long id, Role role, Boolean disabled, String passwordHash) {
        return db.preparedQuery("UPDATE auth_account SET role = coalesce($2, role), disabled = coalesce($3, disabled),"
                        + " password_hash = coalesce($4, password_hash), updated_at = now() WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(id, role == null ? null : role.id(), disabled, passwordHash)).map(AccountStore::first);
    }

    /** Sets the password of an account by name (dev mode's generated password). */
    public Uni<Boolean> setPassword(SqlClient db, String username, String passwordHash) {
        return db.preparedQuery("UPDATE auth_account SET password_hash = $2, disabled = false, updated_at = now()"
                        + " WHERE username = $1").execute(Tuple.of(username, passwordHash))
                .map(rows -> rows.rowCount() > 0);
    }

    public record LoginCandidate(long id, String passwordHash) {
    }

    private static Optional<Account> first(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toAccount(rows.iterator().next()));
    }

    private static Account toAccount(Row row) {
        return new Account(row.getLong(0), row.getString(1), row.getString(2), row.getBoolean(3), row.getBoolean(4),
                row.getOffsetDateTime(5).toInstant(), row.getOffsetDateTime(6).toInstant());
    }
}
