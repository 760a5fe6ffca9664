package dev.segments.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.RequestFields;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/** API tokens: created by an admin (the secret is in that answer only), listed without secrets, revoked. */
@ApplicationScoped
public class TokenService {

    /** Tokens start with this, so a leaked one is easy to recognise (secret scanners, logs). */
    public static final String PREFIX = "seg_";

    private final Pool pool;
    private final TokenStore store;

    public TokenService(Pool pool, TokenStore store) {
        this.pool = pool;
        this.store = store;
    }

    /** Creates a token from {@code {name, role}} owned by {@code accountId} (may be null); the answer carries the secret. */
    public Uni<ApiToken> create(JsonNode body, Long accountId) {
        RequestFields fields = new RequestFields(body, Set.of("name", "role"));
        String name = fields.text("name", true, 255);
        String roleText = fields.text("role", true, 16);
        Role role = roleText == null ? null : Role.parse(roleText).orElse(null);
        if (roleText != null && role == null) {
            fields.error("role", "role must be one of viewer, editor, admin");
        }
        fields.done();
        return create(name, role, accountId);
    }

    public Uni<ApiToken> create(String name, Role role, Long accountId) {
        String secret = Secrets.random(PREFIX);
        return pool.withTransaction(db -> store.insert(db, name, role, accountId, Secrets.sha256(secret)))
                .map(created -> created.orElseThrow(() -> new IllegalStateException("token hash collision"))
                        .withSecret(secret));
    }

    public Uni<List<ApiToken>> page(long after, int limit) {
        return pool.withConnection(db -> store.page(db, after, limit));
    }

    public Uni<ApiToken> get(long id) {
        return pool.withConnection(db -> store.find(db, id))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("token " + id)));
    }

    /** Revokes a token at once on every instance (each request looks its token up). */
    public Uni<ApiToken> revoke(long id) {
        return pool.withTransaction(db -> store.revoke(db, id))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("token " + id)));
    }
}
