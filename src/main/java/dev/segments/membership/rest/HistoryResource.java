package dev.segments.membership.rest;

import dev.segments.api.Params;
import dev.segments.membership.FeedCursor;
import dev.segments.membership.HistoryStore;
import dev.segments.membership.HistoryStore.HistoryPage;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Membership history from the event log: every join and leave of a user or of a segment with its
 * cause, newest first, and a segment's changes feed, oldest first, for consumers keeping a copy.
 */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {

    private final Pool pool;
    private final HistoryStore history;
    private final SegmentStore segments;

    public HistoryResource(Pool pool, HistoryStore history, SegmentStore segments) {
        this.pool = pool;
        this.history = history;
        this.segments = segments;
    }

    /** A segment's joins and leaves, newest first; {@code next_after} pages on. */
    @GET
    @Path("/{id}/history")
    public Uni<Map<String, Object>> segmentHistory(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        long segmentId = Params.id(id, "id");
        int size = Params.limit(limit, 100, 1000);
        FeedCursor cursor = FeedCursor.parse(after, "after", FeedCursor.END);
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                        .chain(() -> history.segmentHistory(conn, segmentId, cursor, size)))
                .map(page -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("segment_id", segmentId);
                    body.put("history", page.entries());
                    body.put("next_after", page.entries().size() == size ? page.last().toString() : null);
                    return body;
                });
    }

    /**
     * The changes feed: joins and leaves after {@code since}, in order. Poll with {@code next_since}
     * (always present; unchanged when nothing new is final yet) to keep a copy in sync.
     */
    @GET
    @Path("/{id}/changes")
    public Uni<Map<String, Object>> changes(@PathParam("id") String id, @QueryParam("since") String since,
            @QueryParam("limit") String limit) {
        long segmentId = Params.id(id, "id");
        int size = Params.limit(limit, 1000, 10_000);
        FeedCursor cursor = FeedCursor.parse(since, "since", FeedCursor.START);
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                        .chain(() -> history.changes(conn, segmentId, cursor, size)))
                .map(page -> feedBody(segmentId, cursor, page, size));
    }

    private static Map<String, Object> feedBody(long segmentId, FeedCursor since, HistoryPage page, int size) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("segment_id", segmentId);
        body.put("changes", page.entries());
        body.put("next_since", (page.last() == null ? since : page.last()).toString());
        body.put("has_more", page.entries().size() == size);
        return body;
    }
}
