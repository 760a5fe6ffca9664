package dev.segments.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Writes problem details straight to a Vert.x response, for answers given before JAX-RS sees the request. */
@ApplicationScoped
public class ProblemWriter {

    private final ObjectMapper json;

    public ProblemWriter(ObjectMapper json) {
        this.json = json;
    }

    /** Sets status, content type and body; ends the response. Headers set before are kept. */
    public void end(RoutingContext ctx, int status, String title, String detail) {
        Problem problem = new Problem("about:blank", title, status, detail, null);
        end(ctx, problem);
    }

    public void end(RoutingContext ctx, int status, String title, String detail, List<Problem.FieldError> errors) {
        end(ctx, new Problem("about:blank", title, status, detail, errors));
    }

    private void end(RoutingContext ctx, Problem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + problem.status() + "}";
        }
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body);
        }
    }
}
