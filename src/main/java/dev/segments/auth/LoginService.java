package dev.segments.auth;

import dev.segments.config.SegmentsConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Checks a user name and password and opens a session; ends sessions. */
@ApplicationScoped
public class LoginService {

    private final Pool pool;
    private final AccountStore accounts;
    private final SessionStore sessions;
    private final SegmentsConfig config;

    public LoginService(Pool pool, AccountStore accounts, SessionStore sessions, SegmentsConfig config) {
        this.pool = pool;
        this.accounts = accounts;
        this.sessions = sessions;
        this.config = config;
    }

    /**
     * The new session's secret (the cookie value) when the password matches an enabled account; empty
     * otherwise. An unknown name costs as much time as a wrong password.
     */
    public Uni<Optional<String>> login(String username, String password) {
        if (username == null || password == null || username.length() > 64 || password.length() > Passwords.MAX_LENGTH) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.withConnection(db -> accounts.loginCandidate(db, username))
                .chain(candidate -> Uni.createFrom()
                        .item(() -> Passwords.matches(password, candidate.map(AccountStore.LoginCandidate::passwordHash).orElse(null)))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .chain(ok -> ok && candidate.isPresent() ? open(candidate.get().id()).map(Optional::of)
                                : Uni.createFrom().item(Optional.<String>empty())));
    }

    public Uni<Void> logout(byte[] sessionHash) {
        return pool.withConnection(db -> sessions.delete(db, sessionHash));
    }

    private Uni<String> open(long accountId) {
        String secret = Secrets.random("");
        return pool.withConnection(db -> sessions.create(db, Secrets.sha256(secret), accountId, config.auth().sessionMax()))
                .replaceWith(secret);
    }
}
