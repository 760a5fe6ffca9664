package dev.segments.problem;

import java.util.List;

/** Rejects a request with a problem-details answer; nothing has been written when it is thrown. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;

    public ProblemException(int status, String title, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ProblemException badRequest(String pointer, String message) {
        return new ProblemException(400, "Bad request", message, List.of(new Problem.FieldError(pointer, message)));
    }

    public static ProblemException badRequest(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).message() : errors.size() + " problems in the request";
        return new ProblemException(400, "Bad request", detail, errors);
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "Not found", what + " does not exist", List.of());
    }

    public static ProblemException conflict(String pointer, String message) {
        List<Problem.FieldError> errors = pointer == null ? List.of() : List.of(new Problem.FieldError(pointer, message));
        return new ProblemException(409, "Conflict", message, errors);
    }

    public Problem toProblem() {
        return new Problem("about:blank", title, status, getMessage(), errors.isEmpty() ? null : errors);
    }

    public int status() {
        return status;
    }
}
