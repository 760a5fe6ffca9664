package dev.segments.auth;

import dev.segments.config.SegmentsConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Checks a user name and password and opens a session, within the login throttle; ends sessions. */
@ApplicationScoped
public class LoginService {

    private final Pool pool;
    private final AccountStore accounts;
    private final SessionStore sessions;
    private final SegmentsConfig config;
    private final LoginThrottle throttle;

    public LoginService(Pool pool, AccountStore accounts, SessionStore sessions, SegmentsConfig config, LoginThrottle throttle) {
        this.throttle = throttle;
        this.pool = pool;
        this.accounts = accounts;
        this.sessions = sessions;
        this.config = config;
    }

    /**
     * Opens a session when the password matches an enabled account; refuses it otherwise, or without
     * checking the password while the name is locked after too many failures ({@link LoginThrottle}).
     * An unknown name costs as much time as a wrong password.
     */
    public Uni<LoginOutcome> login(String username, String password) {
        if (username == null || password == null || username.length() > 64 || password.length() > Passwords.MAX_LENGTH) {
            return Uni.createFrom().item(LoginOutcome.refused());
        }
        return pool.withTransaction(db -> throttle.attempt(db, username)
                        .chain(locked -> locked.isPresent() ? Uni.createFrom().item(new Check(locked, Optional.empty()))
                                : accounts.loginCandidate(db, username).map(candidate -> new Check(locked, candidate))))
                .chain(check -> check.locked().isPresent() ? Uni.createFrom().item(LoginOutcome.locked(check.locked().get()))
                        : verify(username, password, check.candidate()));
    }

    /** The throttle's answer and, when not locked, the account the name belongs to. */
    private record Check(Optional<java.time.Duration> locked, Optional<AccountStore.LoginCandidate> candidate) {
    }

    private Uni<LoginOutcome> verify(String username, String password, Optional<AccountStore.LoginCandidate> candidate) {
        return Uni.createFrom()
                .item(() -> Passwords.matches(password, candidate.map(AccountStore.LoginCandidate::passwordHash).orElse(null)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(ok -> ok && candidate.isPresent()
                        ? pool.withConnection(db -> throttle.succeeded(db, username)).chain(() -> open(candidate.get().id()))
                                .map(LoginOutcome::opened)
                        : Uni.createFrom().item(LoginOutcome.refused()));
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
