package dev.segments.auth;

import dev.segments.config.SegmentsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Stops password guessing per user name: after {@code segments.auth.login-failures} attempts in a row
 * without a success, the name is locked for {@code login-lockout}, doubled with every further failure
 * up to {@code login-lockout-max}; a locked name's password is not even checked. Every attempt is
 * counted <em>before</em> its password is checked, under the name's row lock, so that parallel
 * attempts cannot slip past the limit together; a success deletes the count. The counts live in
 * PostgreSQL (V14), so every instance applies the same limit. Unknown names are counted like known
 * ones: the answers do not tell which names exist. The price of a lock per name is that anyone can
 * lock a name out for a while by failing on purpose, which is why the lock starts short.
 */
@ApplicationScoped
public class LoginThrottle {

    /** A run of failures with no attempt for this long is forgotten. */
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final SegmentsConfig.Auth config;

    public LoginThrottle(SegmentsConfig config) {
        this.config = config.auth();
    }

    /**
     * Counts an attempt for {@code username}, in the caller's transaction; returns how long the name
     * stays locked when it already was (the attempt is then refused and not counted), empty when the
     * password may be checked.
     */
    public Uni<Optional<Duration>> attempt(SqlConnection db, String username) {
        return db.preparedQuery("INSERT INTO login_throttle (username, failures, last_attempt) VALUES ($1, 0, now()) "
                        + "ON CONFLICT (username) DO NOTHING").execute(Tuple.of(username))
                .chain(() -> db.preparedQuery("SELECT failures, locked_until, last_attempt, now() FROM login_throttle "
                        + "WHERE username = $1 FOR UPDATE").execute(Tuple.of(username)))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    OffsetDateTime lockedUntil = row.getOffsetDateTime(1);
                    OffsetDateTime now = row.getOffsetDateTime(3);
                    if (lockedUntil != null && lockedUntil.isAfter(now)) {
                        return Uni.createFrom().item(Optional.of(Duration.between(now, lockedUntil)));
                    }
                    boolean forgotten = row.getOffsetDateTime(2).plus(FORGET_AFTER).isBefore(now);
                    int failures = (forgotten ? 0 : row.getInteger(0)) + 1;
                    return db.preparedQuery("UPDATE login_throttle SET failures = $2, locked_until = now() + $3::bigint * interval '1 millisecond', "
                                    + "last_attempt = now() WHERE username = $1")
                            .execute(Tuple.of(username, failures, lockFor(failures)))
                            .chain(() -> forgetOld(db))
                            .replaceWith(Optional.<Duration>empty());
                });
    }

    /** The password matched: the name's failures are forgotten. */
    public Uni<Void> succeeded(SqlClient db, String username) {
        return db.preparedQuery("DELETE FROM login_throttle WHERE username = $1").execute(Tuple.of(username)).replaceWithVoid();
    }

    /**
     * How long (milliseconds) the name is locked once {@code failures} attempts in a row are counted;
     * null below the limit. The attempt that reaches the limit is still checked: the lock applies to the next.
     */
    Long lockFor(int failures) {
        int over = failures - config.loginFailures();
        if (over < 0) {
            return null;
        }
        long base = config.loginLockout().toMillis();
        long max = config.loginLockoutMax().toMillis();
        return over >= 31 ? max : Math.min(max, base << over);
    }

    /** Removes a few forgotten names, so that names tried once and never again do not pile up. */
    private Uni<Void> forgetOld(SqlConnection db) {
        return db.preparedQuery("DELETE FROM login_throttle WHERE username IN (SELECT username FROM login_throttle "
                        + "WHERE last_attempt < now() - $1::bigint * interval '1 second' AND coalesce(locked_until, '-infinity') < now() "
                        + "LIMIT 100 FOR UPDATE SKIP LOCKED)")
                .execute(Tuple.of(FORGET_AFTER.toSeconds())).replaceWithVoid();
    }
}
