package dev.segments.compute.rest;

import dev.segments.api.Params;
import dev.segments.compute.IncrementalPass;
import dev.segments.compute.JobStore;
import dev.segments.compute.JobView;
import dev.segments.compute.Trigger;
import dev.segments.problem.ProblemException;
import dev.segments.segment.SegmentService;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Compute jobs: start them now and read their outcome. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ComputeResource {

    private final Pool pool;
    private final JobStore jobs;
    private final SegmentService segments;
    private final IncrementalPass incremental;

    public ComputeResource(Pool pool, JobStore jobs, SegmentService segments, IncrementalPass incremental) {
        this.pool = pool;
        this.jobs = jobs;
        this.segments = segments;
        this.incremental = incremental;
    }

    @POST
    @Path("/compute/full")
    public Uni<Response> full() {
        return segments.computeAll(Trigger.MANUAL).map(ids -> Response.accepted(Map.of("job_ids", ids)).build());
    }

    @POST
    @Path("/compute/incremental")
    public Uni<Map<String, Object>> incremental() {
        return incremental.run(Trigger.MANUAL).map(result -> Map.of("users", result.users(), "added", result.added(),
                "removed", result.removed(), "job_ids", result.jobIds()));
    }

    @GET
    @Path("/jobs/{id}")
    public Uni<JobView> job(@PathParam("id") String id) {
        long jobId = Params.id(id, "id");
        return pool.withConnection(conn -> jobs.find(conn, jobId))
                .map(job -> job.orElseThrow(() -> ProblemException.notFound("job " + jobId)));
    }
}
