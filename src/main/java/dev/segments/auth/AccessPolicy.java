package dev.segments.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies {@link AccessRules} to every HTTP request (a global policy: it has no name). A denied
 * anonymous request gets the authentication challenge of {@link AuthMechanism} (401, or a redirect to
 * the login page); a denied authenticated one 403 (answered by {@link AuthFailures}).
 */
@ApplicationScoped
public class AccessPolicy implements HttpSecurityPolicy {

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext ctx, Uni<SecurityIdentity> identity,
            AuthorizationRequestContext context) {
        AccessRules.Access access = AccessRules.required(ctx.request().method().name(), ctx.normalizedPath());
        if (access.role() == null) {
            return CheckResult.permit();
        }
        return identity.map(who -> !who.isAnonymous() && who.hasRole(access.role().id())
                ? CheckResult.PERMIT : CheckResult.DENY);
    }
}
