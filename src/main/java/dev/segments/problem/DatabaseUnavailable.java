package dev.segments.problem;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.SocketException;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Failures that mean "the database cannot be reached right now" (it is restarting, or the network
 * to it is down: connection refused or reset, connection closed, the server shutting down or
 * starting up), answered with 503 problem details and a {@code Retry-After} hint instead of a 500:
 * nothing was committed, and the same request can be sent again. The connection pool reconnects by
 * itself once the database is back.
 */
public final class DatabaseUnavailable {

    static final int RETRY_AFTER_SECONDS = 2;
    private static final Logger LOG = Logger.getLogger(DatabaseUnavailable.class);
    /** Shutting down, crashed, starting up, too many connections. */
    private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private DatabaseUnavailable() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof ClosedConnectionException
                    || (t instanceof IOException && thrownByTheDatabaseClient(t))) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || STATES.contains(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }

    /** A plain I/O failure ("Connection reset by peer") raised while the database client wrote or read. */
    private static boolean thrownByTheDatabaseClient(Throwable failure) {
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith("io.vertx.sqlclient.") || frame.getClassName().startsWith("io.vertx.pgclient.")) {
                return true;
            }
        }
        return false;
    }

    static Response respond(Throwable failure) {
        LOG.warnf("Database unavailable: %s", failure.toString());
        Problem problem = new Problem("about:blank", "Service unavailable", 503,
                "The database cannot be reached right now; nothing was saved. Retry later.", null);
        return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(problem).build();
    }
}
