package dev.segments.drift.rest;

import dev.segments.api.Params;
import dev.segments.drift.DriftPoint;
import dev.segments.drift.DriftStore;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A segment's drift: member count, joins and leaves of every completed compute job in a time range. */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
public class DriftResource {

    private static final Duration DEFAULT_RANGE = Duration.ofDays(30);

    private final Pool pool;
    private final DriftStore drift;
    private final SegmentStore segments;

    public DriftResource(Pool pool, DriftStore drift, SegmentStore segments) {
        this.pool = pool;
        this.drift = drift;
        this.segments = segments;
    }

    /**
     * Points of jobs completed in {@code [from, to)} (default: the 30 days before now), at most
     * {@code limit} (1..1000, default 1000) a page; {@code next_after} (a job id) pages on.
     */
    @GET
    @Path("/{id}/drift")
    public Uni<Map<String, Object>> drift(@PathParam("id") String id, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("limit") String limit, @QueryParam("after") String after) {
        long segmentId = Params.id(id, "id");
        TimeRange range = TimeRange.parse(from, to, DEFAULT_RANGE);
        int size = Params.limit(limit, 1000, 1000);
        long cursor = Params.after(after);
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                        .chain(() -> drift.points(conn, segmentId, range.from(), range.to(), cursor, size)))
                .map(points -> body(segmentId, range, points, size));
    }

    private static Map<String, Object> body(long segmentId, TimeRange range, List<DriftPoint> points, int size) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("segment_id", segmentId);
        body.put("from", range.from());
        body.put("to", range.to());
        body.put("points", points);
        body.put("next_after", points.size() == size ? points.get(size - 1).jobId() : null);
        return body;
    }
}
