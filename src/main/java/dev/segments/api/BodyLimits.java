package dev.segments.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.config.SegmentsConfig;
import dev.segments.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Request body limits per route, answered with problem details: JSON bodies under {@code /api} may
 * have at most {@code segments.limits.json-body} bytes, the NDJSON import at most
 * {@code segments.limits.import-body}. A declared {@code Content-Length} over the limit is refused with
 * 413 before the body is parsed (and before the HTTP server's own global limit answers a bare 413).
 * A chunked body (no Content-Length) is given the same limit, enforced by the framework's body reader,
 * which answers a bare 413 and closes the connection when the body grows past it.
 */
@ApplicationScoped
public class BodyLimits {

    /** Where Quarkus keeps the limit of a body without Content-Length; its body reader enforces it. */
    private static final String MAX_REQUEST_SIZE = "io.quarkus.max-request-size";
    /** Quarkus checks its global limit at order -2 (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT). */
    private static final int BEFORE_GLOBAL_LIMIT = -3;
    private static final int AFTER_GLOBAL_LIMIT = -1;
    private static final long DRAIN_AT_MOST = 64L << 20;
    static final String IMPORT_PATH = "/api/v1/users/import";

    private final SegmentsConfig config;
    private final ObjectMapper json;

    public BodyLimits(SegmentsConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route("/api/*").order(BEFORE_GLOBAL_LIMIT).handler(this::checkDeclaredLength);
        router.route("/api/*").order(AFTER_GLOBAL_LIMIT).handler(this::limitChunked);
    }

    private long limit(RoutingContext ctx) {
        return IMPORT_PATH.equals(ctx.normalizedPath()) ? config.limits().importBody().asLongValue()
                : config.limits().jsonBody().asLongValue();
    }

    private String key(RoutingContext ctx) {
        return IMPORT_PATH.equals(ctx.normalizedPath()) ? "segments.limits.import-body" : "segments.limits.json-body";
    }

    private void checkDeclaredLength(RoutingContext ctx) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                refuse(ctx, 400, "Bad request", "Content-Length must be a number of bytes", "/headers/content-length", false);
                return;
            }
            long limit = limit(ctx);
            if (length > limit) {
                // a client that is still sending gets its answer more reliably when a moderate body is
                // read and dropped; a very large one is cut off by closing the connection
                boolean drain = length <= DRAIN_AT_MOST;
                refuse(ctx, 413, "Content too large", "The request body has " + length + " bytes; at most " + limit
                        + " are accepted here (" + key(ctx) + ")", "", drain);
                return;
            }
        }
        ctx.next();
    }

    private void limitChunked(RoutingContext ctx) {
        if (ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            Object global = ctx.get(MAX_REQUEST_SIZE);
            long limit = limit(ctx);
            if (!(global instanceof Long g) || g > limit) {
                ctx.put(MAX_REQUEST_SIZE, limit);
            }
        }
        ctx.next();
    }

    private void refuse(RoutingContext ctx, int status, String title, String detail, String pointer, boolean drain) {
        Problem problem = new Problem("about:blank", title, status, detail, List.of(new Problem.FieldError(pointer, detail)));
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + status + "}";
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close");
        if (drain) {
            ctx.request().handler(ignored -> { }).resume();
            ctx.response().end(body);
        } else {
            ctx.response().end(body).onComplete(ignored -> ctx.request().connection().close());
        }
    }
}
