package dev.segments.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.segments.rule.RuleException;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into problem details; a 5xx is only ever our own fault, and is logged. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem());
    }

    @ServerExceptionMapper
    public Response rule(RuleException e) {
        List<Problem.FieldError> errors = e.errors().stream()
                .map(error -> new Problem.FieldError(error.pointer(), error.message()))
                .collect(Collectors.toList());
        return respond(ProblemException.badRequest(errors).toProblem());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String pointer = e instanceof JsonMappingException mapping ? pointerOf(mapping) : "";
        String message = "Malformed JSON: " + e.getOriginalMessage();
        return respond(ProblemException.badRequest(pointer, message).toProblem());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return respond(new Problem("about:blank", title, status, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response database(PgException e) {
        if (DatabaseUnavailable.is(e)) {
            return DatabaseUnavailable.respond(e);
        }
        if ("57014".equals(e.getSqlState())) {
            return respond(new Problem("about:blank", "Service unavailable", 503, "The query took too long", null));
        }
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        if (state.startsWith("22") || state.equals("54000")) {
            // a data exception (a value the database cannot hold: U+0000 in text, a number out of range, ...)
            // or a value too large for an index: the request's fault. Validation at the edge should catch
            // these first, with a pointer; this is the safety net. Nothing was committed.
            LOG.warnf("Request rejected by the database (%s): %s", state, e.getErrorMessage());
            return respond(ProblemException.badRequest("", "A value in the request cannot be stored or compared: "
                    + e.getErrorMessage()).toProblem());
        }
        LOG.error("Database failure", e);
        return respond(new Problem("about:blank", "Internal error", 500, "A database operation failed", null));
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        if (DatabaseUnavailable.is(e)) {
            return DatabaseUnavailable.respond(e);
        }
        LOG.error("Unexpected failure", e);
        return respond(new Problem("about:blank", "Internal error", 500, "An unexpected error occurred", null));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String pointerOf(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer.append('/');
            if (ref.getFieldName() != null) {
                pointer.append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else {
                pointer.append(ref.getIndex());
            }
        }
        return pointer.toString();
    }
}
