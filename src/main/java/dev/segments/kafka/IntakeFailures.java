package dev.segments.kafka;

import dev.segments.problem.DatabaseUnavailable;
import dev.segments.problem.Problem;
import dev.segments.problem.ProblemException;
import io.vertx.pgclient.PgException;
import java.util.Optional;

/**
 * Sorts the failures of applying a batch into the three cases the consumer treats differently: the
 * database cannot be reached (wait and retry, never dead-letter: nothing was committed and the records
 * are fine), a record is at fault (its problem detail, as an HTTP call would have got as a 4xx), or
 * anything else (retried a few times, then treated as the record's fault so it cannot block its partition).
 */
final class IntakeFailures {

    private IntakeFailures() {
    }

    /** The database is down or restarting, or the transaction lost a deadlock or serialization race. */
    static boolean isTransient(Throwable failure) {
        if (DatabaseUnavailable.is(failure)) {
            return true;
        }
        String state = sqlState(failure);
        return state.startsWith("40") || state.equals("57014");
    }

    /** The problem a record caused, when the failure says the data was at fault. */
    static Optional<Problem> rejection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProblemException problem && problem.status() >= 400 && problem.status() < 500) {
                return Optional.of(problem.toProblem());
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("22") || pg.getSqlState().equals("54000"))) {
                return Optional.of(ProblemException.badRequest("",
                        "A value in the message cannot be stored or compared: " + pg.getErrorMessage()).toProblem());
            }
        }
        return Optional.empty();
    }

    /** The problem recorded with a record that kept failing for no reason the engine knows. */
    static Problem unexpected(Throwable failure) {
        return new Problem("about:blank", "Internal error", 500,
                "The message could not be applied: " + failure, null);
    }

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                return pg.getSqlState();
            }
        }
        return "";
    }
}
