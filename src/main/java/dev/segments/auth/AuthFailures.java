package dev.segments.auth;

import dev.segments.problem.ProblemWriter;
import io.quarkus.security.ForbiddenException;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** A request whose caller lacks the role gets 403 problem details (never a page or data). */
@ApplicationScoped
public class AuthFailures {

    private final ProblemWriter problems;

    public AuthFailures(ProblemWriter problems) {
        this.problems = problems;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.failure() instanceof ForbiddenException && !ctx.response().ended()) {
                problems.end(ctx, 403, "Forbidden", "Your role does not allow this request");
            } else {
                ctx.next();
            }
        });
    }
}
