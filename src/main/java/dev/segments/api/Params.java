package dev.segments.api;

import dev.segments.problem.ProblemException;

/** Parses path and query parameters; a bad one is a 400 naming it. */
public final class Params {

    private Params() {
    }

    public static int limit(String raw, int fallback, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        long value = number(raw, "/limit", "limit");
        if (value < 1 || value > max) {
            throw ProblemException.badRequest("/limit", "limit must be between 1 and " + max);
        }
        return (int) value;
    }

    /** An id cursor: answers 0 (before every id) when absent. */
    public static long after(String raw) {
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        long value = number(raw, "/after", "after");
        if (value < 0) {
            throw ProblemException.badRequest("/after", "after must be an id (0 or more)");
        }
        return value;
    }

    /** A positive id from the path. */
    public static long id(String raw, String name) {
        long value = number(raw, "/" + name, name);
        if (value < 1) {
            throw ProblemException.badRequest("/" + name, name + " must be a positive integer");
        }
        return value;
    }

    private static long number(String raw, String pointer, String name) {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(pointer, name + " must be an integer, not \"" + abbreviate(raw) + "\"");
        }
    }

    private static String abbreviate(String raw) {
        return raw.length() > 40 ? raw.substring(0, 40) + "…" : raw;
    }
}
