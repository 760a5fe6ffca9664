package dev.segments.compute.rest;

import dev.segments.api.Params;
import dev.segments.compute.JobStore;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** A segment's compute jobs, newest first: the history its drift is read from. */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
public class SegmentJobsResource {

    private final Pool pool;
    private final JobStore jobs;
    private final SegmentStore segments;

    public SegmentJobsResource(Pool pool, JobStore jobs, SegmentStore segments) {
        this.pool = pool;
        this.jobs = jobs;
        this.segments = segments;
    }

    @GET
    @Path("/{id}/jobs")
    public Uni<Map<String, Object>> segmentJobs(@PathParam("id") String id, @QueryParam("limit") String limit) {
        long segmentId = Params.id(id, "id");
        int size = Params.limit(limit, 20, 1000);
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                        .chain(() -> jobs.forSegment(conn, segmentId, size)))
                .map(list -> Map.<String, Object>of("jobs", list));
    }
}
