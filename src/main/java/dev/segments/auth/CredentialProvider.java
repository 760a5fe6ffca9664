package dev.segments.auth;

import dev.segments.config.SegmentsConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Turns a token or session secret into a security identity by the SHA-256 of the secret, in
 * PostgreSQL (so a revocation or logout on one instance holds on all). The identity has the caller's
 * role and every role it includes, and the {@link Caller} as attribute {@value Caller#ATTRIBUTE}.
 */
@ApplicationScoped
public class CredentialProvider implements IdentityProvider<CredentialRequest> {

    private final Pool pool;
    private final TokenStore tokens;
    private final SessionStore sessions;
    private final SegmentsConfig config;

    public CredentialProvider(Pool pool, TokenStore tokens, SessionStore sessions, SegmentsConfig config) {
        this.pool = pool;
        this.tokens = tokens;
        this.sessions = sessions;
        this.config = config;
    }

    @Override
    public Class<CredentialRequest> getRequestType() {
        return CredentialRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CredentialRequest request, AuthenticationRequestContext context) {
        byte[] hash = Secrets.sha256(request.secret());
        Uni<Optional<Caller>> caller = request.kind() == CredentialRequest.Kind.TOKEN
                ? pool.withConnection(db -> tokens.authenticate(db, hash))
                : pool.withConnection(db -> sessions.authenticate(db, hash, config.auth().sessionIdle()));
        return caller.map(found -> found.map(CredentialProvider::identity)
                .orElseThrow(() -> new AuthenticationFailedException(request.kind() == CredentialRequest.Kind.TOKEN
                        ? "unknown or revoked token" : "no such session")));
    }

    static SecurityIdentity identity(Caller caller) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(caller.name()))
                .addRoles(caller.role().granted()).addAttribute(Caller.ATTRIBUTE, caller).build();
    }
}
