package dev.segments.compute.rest;

import dev.segments.api.Params;
import dev.segments.compute.JobStore;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * A segment's compute jobs, newest first. Its own root path: under {@code /api/v1} in ComputeResource it
 * was shadowed by SegmentResource's more specific {@code /api/v1/segments} and always answered 404.
 */
@Path("/api/v1/segments/{id}/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class SegmentJobResource {

    private final Pool pool;
    private final JobStore jobs;

    public SegmentJobResource(Pool pool, JobStore jobs) {
        this.pool = pool;
        this.jobs = jobs;
    }

    @GET
    public Uni<Map<String, Object>> segmentJobs(@PathParam("id") String id, @QueryParam("limit") String limit) {
        long segmentId = Params.id(id, "id");
        int size = Params.limit(limit, 20, 1000);
        return pool.withConnection(conn -> conn.preparedQuery("SELECT 1 FROM segment WHERE id = $1").execute(Tuple.of(segmentId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ProblemException.notFound("segment " + segmentId));
                    }
                    return jobs.forSegment(conn, segmentId, size);
                }))
                .map(list -> Map.<String, Object>of("jobs", list));
    }
}
