package dev.segments.membership;

import dev.segments.problem.ProblemException;

/**
 * A position in a segment's changes feed or history: the feed key and id of a membership event,
 * written {@code <feed_key>-<id>}. {@link #START} is before every event.
 */
public record FeedCursor(long feedKey, long id) {

    public static final FeedCursor START = new FeedCursor(0, 0);
    public static final FeedCursor END = new FeedCursor(Long.MAX_VALUE, Long.MAX_VALUE);

    /** Parses a cursor from the query; absent (or {@code 0}) answers {@code fallback}, a bad one is a 400. */
    public static FeedCursor parse(String raw, String name, FeedCursor fallback) {
        if (raw == null || raw.isBlank() || raw.trim().equals("0")) {
            return fallback;
        }
        String[] parts = raw.trim().split("-", -1);
        try {
            if (parts.length == 2) {
                long key = Long.parseLong(parts[0]);
                long id = Long.parseLong(parts[1]);
                if (key >= 0 && id >= 0) {
                    return new FeedCursor(key, id);
                }
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("/" + name,
                name + " must be a cursor answered by an earlier call (like \"1234-5678\"), or 0 for the start");
    }

    @Override
    public String toString() {
        return feedKey + "-" + id;
    }
}
