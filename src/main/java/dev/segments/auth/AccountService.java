package dev.segments.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.RequestFields;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Accounts: created by an admin with a password, listed, given another role or password, disabled.
 * Disabling an account or changing its password ends its sessions; a disabled account's tokens stop
 * working. An admin cannot disable or demote their own account (so there is always one admin left
 * who can undo a mistake).
 */
@ApplicationScoped
public class AccountService {

    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private final Pool pool;
    private final AccountStore accounts;
    private final SessionStore sessions;

    public AccountService(Pool pool, AccountStore accounts, SessionStore sessions) {
        this.pool = pool;
        this.accounts = accounts;
        this.sessions = sessions;
    }

    /** Creates an account from {@code {username, password, role}}. */
    public Uni<Account> create(JsonNode body) {
        RequestFields fields = new RequestFields(body, Set.of("username", "password", "role"));
        String username = fields.text("username", true, 64);
        if (username != null && !USERNAME.matcher(username).matches()) {
            fields.error("username", "a username has 1 to 64 letters, digits and . _ @ -");
        }
        String password = fields.text("password", true, Passwords.MAX_LENGTH);
        if (password != null && Passwords.problem(password) != null) {
            fields.error("password", Passwords.problem(password));
        }
        Role role = role(fields, true);
        fields.done();
        return hash(password).chain(hash -> pool.withTransaction(db -> accounts.insert(db, username, hash, role)))
                .map(created -> created.orElseThrow(() -> ProblemException.conflict("/username",
                        "an account named \"" + username + "\" already exists")));
    }

    /** Changes {@code {role?, disabled?, password?}} of account {@code id}; {@code self} is the caller's account. */
    public Uni<Account> update(long id, JsonNode body, Long self) {
        RequestFields fields = new RequestFields(body, Set.of("role", "disabled", "password"));
        Role role = role(fields, false);
        Boolean disabled = null;
        JsonNode flag = body.get("disabled");
        if (flag != null && !flag.isNull()) {
            if (!flag.isBoolean()) {
                fields.error("disabled", "disabled must be true or false");
            } else {
                disabled = flag.booleanValue();
            }
        }
        String password = fields.text("password", false, Passwords.MAX_LENGTH);
        if (password != null && Passwords.problem(password) != null) {
            fields.error("password", Passwords.problem(password));
        }
        fields.done();
        if (self != null && self == id && (Boolean.TRUE.equals(disabled) || (role != null && role != Role.ADMIN))) {
            throw ProblemException.conflict("", "you cannot disable or demote your own account");
        }
        Boolean disable = disabled;
        boolean endSessions = Boolean.TRUE.equals(disabled) || password != null;
        return hash(password).chain(hash -> pool.withTransaction(db -> accounts.update(db, id, role, disable, hash)
                .call(found -> found.isPresent() && endSessions ? sessions.deleteAll(db, id) : Uni.createFrom().voidItem())))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("account " + id)));
    }

    public Uni<List<Account>> page(long after, int limit) {
        return pool.withConnection(db -> accounts.page(db, after, limit));
    }

    public Uni<Account> get(long id) {
        return pool.withConnection(db -> accounts.find(db, id))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("account " + id)));
    }

    /** PBKDF2 takes a few hundred milliseconds: off the event loop. Null stays null. */
    static Uni<String> hash(String password) {
        if (password == null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(() -> Passwords.hash(password)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Role role(RequestFields fields, boolean required) {
        String text = fields.text("role", required, 16);
        if (text == null) {
            return null;
        }
        Role role = Role.parse(text).orElse(null);
        if (role == null) {
            fields.error("role", "role must be one of viewer, editor, admin");
        }
        return role;
    }
}
