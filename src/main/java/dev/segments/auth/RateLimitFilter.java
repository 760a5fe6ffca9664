package dev.segments.auth;

import dev.segments.config.SegmentsConfig;
import dev.segments.problem.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The per-caller rate limit ({@code segments.limits.requests-per-second}, {@code burst}): over it a
 * request is answered 429 problem details with {@code Retry-After}. Keyed by API token, login session,
 * or for anonymous requests the client address. Per instance: with N instances a caller may get up to
 * N times the rate.
 */
@ApplicationScoped
public class RateLimitFilter {

    private final SegmentsConfig config;
    private final CurrentCaller caller;
    private volatile RateLimiter limiter;

    public RateLimitFilter(SegmentsConfig config, CurrentCaller caller) {
        this.config = config;
        this.caller = caller;
    }

    @ServerRequestFilter(preMatching = true)
    public Response limit(HttpServerRequest http) {
        double rate = config.limits().requestsPerSecond();
        if (rate <= 0) {
            return null;
        }
        if (limiter == null) {
            synchronized (this) {
                if (limiter == null) {
                    limiter = new RateLimiter(rate, config.limits().burst());
                }
            }
        }
        Caller who = caller.caller();
        String key = who != null ? who.key() : "address:" + (http.remoteAddress() == null ? "?" : http.remoteAddress().hostAddress());
        long wait = limiter.acquire(key, System.nanoTime());
        if (wait == 0) {
            return null;
        }
        return Response.status(429).type(Problem.MEDIA_TYPE).header("Retry-After", Long.toString(wait))
                .entity(new Problem("about:blank", "Too many requests", 429, "More than "
                        + "the allowed requests per second for this caller (segments.limits.requests-per-second); retry after "
                        + wait + " s", null)).build();
    }
}
