package dev.segments.drift.rest;

import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** A {@code [from, to)} range from ISO-8601 query parameters; by default the last {@code fallback}. */
record TimeRange(Instant from, Instant to) {

    static TimeRange parse(String fromRaw, String toRaw, Duration fallback) {
        List<FieldError> errors = new ArrayList<>();
        Instant to = instant(toRaw, "to", errors);
        Instant from = instant(fromRaw, "from", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        Instant end = to == null ? Instant.now() : to;
        Instant start = from == null ? end.minus(fallback) : from;
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("/from", "from must be before to");
        }
        return new TimeRange(start, end);
    }

    private static Instant instant(String raw, String name, List<FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("/" + name, name + " must be an ISO-8601 time with an offset, like 2026-01-31T00:00:00Z"));
            return null;
        }
    }
}
