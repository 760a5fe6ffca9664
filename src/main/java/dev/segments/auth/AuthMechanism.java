package dev.segments.auth;

import dev.segments.problem.ProblemWriter;
import dev.segments.web.Hx;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Finds the caller of a request: an {@code Authorization: Bearer <token>} header (API clients, also
 * accepted by the pages) or the {@value SessionCookie#NAME} cookie of a logged-in browser. No credential
 * means anonymous; a wrong token is a 401; a session cookie that is no longer valid is dropped (the
 * browser is anonymous again and is sent to the login page).
 *
 * <p>The challenge: a page loaded by the browser is redirected to {@code /login?next=...}, an htmx
 * request gets {@code HX-Redirect} to it, everything else 401 problem details with
 * {@code WWW-Authenticate: Bearer}.
 */
@ApplicationScoped
public class AuthMechanism implements HttpAuthenticationMechanism {

    private static final String BEARER = "bearer ";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    private static final String BAD_TOKEN = AuthMechanism.class.getName() + ".bad-token";

    private final SessionCookie cookies;
    private final ProblemWriter problems;

    public AuthMechanism(SessionCookie cookies, ProblemWriter problems) {
        this.cookies = cookies;
        this.problems = problems;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager identities) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.length() == BEARER.length()) {
                ctx.put(BAD_TOKEN, true);
                return Uni.createFrom().failure(new AuthenticationFailedException("only Bearer tokens are accepted"));
            }
            String token = header.substring(BEARER.length()).trim();
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                            new CredentialRequest(CredentialRequest.Kind.TOKEN, token), ctx))
                    .onFailure().invoke(ignored -> ctx.put(BAD_TOKEN, true));
        }
        Cookie session = ctx.request().getCookie(SessionCookie.NAME);
        if (session == null || session.getValue().isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                        new CredentialRequest(CredentialRequest.Kind.SESSION, session.getValue()), ctx))
                .onFailure(AuthenticationFailedException.class).recoverWithItem(() -> {
                    ctx.response().headers().add(HttpHeaders.SET_COOKIE, cookies.expired());
                    return null;
                });
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext ctx) {
        if (isPageLoad(ctx)) {
            return Uni.createFrom().item(new ChallengeData(302, HttpHeaders.LOCATION, loginUrl(ctx.request().uri())));
        }
        return Uni.createFrom().item(new ChallengeData(401, WWW_AUTHENTICATE, wwwAuthenticate(ctx)));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return Uni.createFrom().item(true);
        }
        if (isPageLoad(ctx)) {
            ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, loginUrl(ctx.request().uri())).end();
            return Uni.createFrom().item(true);
        }
        if (isHtmx(ctx)) {
            ctx.response().putHeader(Hx.REDIRECT, loginUrl(currentPage(ctx)));
        }
        ctx.response().putHeader(WWW_AUTHENTICATE, wwwAuthenticate(ctx));
        boolean badToken = Boolean.TRUE.equals(ctx.get(BAD_TOKEN));
        problems.end(ctx, 401, "Unauthorized", badToken ? "The bearer token is unknown, revoked or malformed"
                : "Log in, or send an API token as Authorization: Bearer <token>");
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(CredentialRequest.class);
    }

    /** The login page, returning to {@code next} (a local path only) afterwards. */
    public static String loginUrl(String next) {
        return "/login?next=" + URLEncoder.encode(LocalPath.orRoot(next), StandardCharsets.UTF_8);
    }

    private static String wwwAuthenticate(RoutingContext ctx) {
        return Boolean.TRUE.equals(ctx.get(BAD_TOKEN)) ? "Bearer realm=\"segments\", error=\"invalid_token\""
                : "Bearer realm=\"segments\"";
    }

    private static boolean isPageLoad(RoutingContext ctx) {
        String method = ctx.request().method().name();
        return ("GET".equals(method) || "HEAD".equals(method)) && !isHtmx(ctx)
                && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null && LocalPath.isPage(ctx.normalizedPath());
    }

    private static boolean isHtmx(RoutingContext ctx) {
        return "true".equals(ctx.request().getHeader(Hx.REQUEST));
    }

    private static String currentPage(RoutingContext ctx) {
        String current = ctx.request().getHeader("HX-Current-URL");
        if (current == null) {
            return "/";
        }
        try {
            URI uri = URI.create(current);
            return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }
}
