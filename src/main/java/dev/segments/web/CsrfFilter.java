package dev.segments.web;

import dev.segments.problem.Problem;
import dev.segments.problem.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Double-submit-cookie CSRF protection for the admin pages: every page sets a random token in an
 * HttpOnly, SameSite=Strict cookie and renders the same token into the page, from where htmx sends it
 * in the {@value Csrf#HEADER} header on every request. A state-changing request to a page path whose
 * header does not match the cookie is refused with 403. The JSON API under {@code /api} is for
 * machines (no cookies) and is not covered.
 */
public class CsrfFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final String NEW_TOKEN = CsrfFilter.class.getName() + ".new";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Csrf csrf;

    public CsrfFilter(Csrf csrf) {
        this.csrf = csrf;
    }

    @ServerRequestFilter
    public Response check(ContainerRequestContext request, HttpServerRequest http) {
        if (!isPage(http.path())) {
            return null;
        }
        Cookie cookie = request.getCookies().get(Csrf.COOKIE);
        String token = cookie == null ? null : cookie.getValue();
        if (SAFE.contains(request.getMethod())) {
            if (token == null || token.length() < 20) {
                token = newToken();
                request.setProperty(NEW_TOKEN, token);
            }
            csrf.setToken(token);
            return null;
        }
        String sent = request.getHeaderString(Csrf.HEADER);
        if (token == null || sent == null || !MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
            return Response.status(403).type(Problem.MEDIA_TYPE)
                    .entity(new ProblemException(403, "Forbidden", "missing or wrong CSRF token: reload the page", List.of())
                            .toProblem()).build();
        }
        csrf.setToken(token);
        return null;
    }

    @ServerResponseFilter
    public void issue(ContainerRequestContext request, ContainerResponseContext response) {
        Object token = request.getProperty(NEW_TOKEN);
        if (token != null) {
            response.getHeaders().add("Set-Cookie", new NewCookie.Builder(Csrf.COOKIE).value((String) token)
                    .path("/").httpOnly(true).sameSite(NewCookie.SameSite.STRICT).build());
        }
        if (isPage(request.getUriInfo().getPath()) && response.getMediaType() != null
                && response.getMediaType().isCompatible(MediaType.TEXT_HTML_TYPE)) {
            response.getHeaders().add("Vary", Hx.REQUEST);
            response.getHeaders().putSingle("Cache-Control", "no-store");
        }
    }

    static boolean isPage(String path) {
        return !(path.startsWith("/api/") || path.startsWith("/q/") || path.startsWith("/webjars/")
                || path.startsWith("/css/") || path.startsWith("/js/"));
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
