package dev.segments.auth;

import dev.segments.config.SegmentsConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The first admin, from configuration: {@code segments.auth.admin-username} with
 * {@code segments.auth.admin-password} is created at start unless an account of that name exists (a
 * password is never overwritten), and {@code segments.auth.admin-token} is stored (hashed) as that admin's
 * token. Nothing has a default password: without either setting no one can log in until an admin is
 * configured. In dev mode without a configured password, a random one is set at every start and shown
 * on the login page and in the log ({@link DevCredentials}). Safe on several instances at once (inserts
 * that skip existing rows).
 */
@ApplicationScoped
public class Bootstrap {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class);
    static final int MIN_TOKEN_LENGTH = 16;

    private final Pool pool;
    private final AccountStore accounts;
    private final TokenStore tokens;
    private final SessionStore sessions;
    private final SegmentsConfig config;
    private final DevCredentials dev;

    public Bootstrap(Pool pool, AccountStore accounts, TokenStore tokens, SessionStore sessions, SegmentsConfig config,
            DevCredentials dev) {
        this.pool = pool;
        this.accounts = accounts;
        this.tokens = tokens;
        this.sessions = sessions;
        this.config = config;
        this.dev = dev;
    }

    void onStart(@Observes StartupEvent event) {
        String username = config.auth().adminUsername();
        if (!AccountService.USERNAME.matcher(username).matches()) {
            throw new IllegalStateException("segments.auth.admin-username must be 1 to 64 letters, digits and . _ @ -");
        }
        Optional<String> token = config.auth().adminToken().filter(t -> !t.isBlank());
        if (token.isPresent() && token.get().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException("segments.auth.admin-token must have at least " + MIN_TOKEN_LENGTH + " characters");
        }
        Optional<String> password = config.auth().adminPassword().filter(p -> !p.isEmpty());
        if (password.isPresent() && Passwords.problem(password.get()) != null) {
            throw new IllegalStateException("segments.auth.admin-password: " + Passwords.problem(password.get()));
        }
        boolean devPassword = password.isEmpty() && LaunchMode.current() == LaunchMode.DEVELOPMENT;
        String initial = devPassword ? Secrets.random("").substring(0, 20) : password.orElse(null);
        String hash = initial == null ? null : Passwords.hash(initial);
        pool.withTransaction(db -> accounts.insert(db, username, hash, Role.ADMIN)
                        .invoke(created -> created.ifPresent(a -> LOG.infof("Created the first admin account \"%s\"%s",
                                username, hash == null ? " (no password: log in is possible once one is set)" : "")))
                        .chain(() -> devPassword ? accounts.setPassword(db, username, hash) : Uni.createFrom().item(false))
                        .chain(() -> accounts.findByName(db, username))
                        .chain(admin -> token.isEmpty() ? Uni.createFrom().voidItem()
                                : tokens.insert(db, "bootstrap (segments.auth.admin-token)", Role.ADMIN,
                                        admin.map(Account::id).orElse(null), Secrets.sha256(token.get())).replaceWithVoid()))
                .await().atMost(Duration.ofMinutes(1));
        if (devPassword) {
            dev.show(username, initial);
            LOG.infof("Dev mode: log in to the admin UI as \"%s\" with password \"%s\" (new at every start; "
                    + "set SEGMENTS_AUTH_ADMIN_PASSWORD to choose one)", username, initial);
        } else if (hash == null && token.isEmpty()) {
            LOG.warnf("No admin credentials configured: set SEGMENTS_AUTH_ADMIN_PASSWORD (and optionally"
                    + " SEGMENTS_AUTH_ADMIN_TOKEN) to create the admin \"%s\" if it does not exist yet", username);
        }
    }

    /** Deletes expired sessions (any instance may do it; the delete is idempotent). */
    @Scheduled(identity = "session-purge", every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeSessions() {
        return pool.withConnection(db -> sessions.purge(db, config.auth().sessionIdle())).replaceWithVoid();
    }
}
