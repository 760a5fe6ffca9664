package dev.segments.segment.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.Params;
import dev.segments.compute.Trigger;
import dev.segments.problem.ProblemException;
import dev.segments.segment.SegmentRequest;
import dev.segments.segment.SegmentService;
import dev.segments.segment.SegmentStore;
import dev.segments.segment.SegmentView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Segment definitions: create, read, change, delete, and start computes. */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
public class SegmentResource {

    private final SegmentService service;
    private final SegmentStore store;
    private final Pool pool;

    public SegmentResource(SegmentService service, SegmentStore store, Pool pool) {
        this.service = service;
        this.store = store;
        this.pool = pool;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(JsonNode body) {
        SegmentRequest request = SegmentRequest.from(body);
        return service.create(request).map(segment -> Response.created(URI.create("/api/v1/segments/" + segment.id()))
                .entity(segment).build());
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = Params.limit(limit, 100, 1000);
        long cursor = Params.after(after);
        return pool.withConnection(conn -> store.page(conn, cursor, size)).map(segments -> page(segments, size));
    }

    @GET
    @Path("/{id}")
    public Uni<SegmentView> get(@PathParam("id") String id) {
        long segmentId = Params.id(id, "id");
        return pool.withConnection(conn -> store.find(conn, segmentId))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("segment " + segmentId)));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<SegmentView> update(@PathParam("id") String id, JsonNode body) {
        long segmentId = Params.id(id, "id");
        return service.update(segmentId, SegmentRequest.from(body));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return service.delete(Params.id(id, "id")).map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/compute")
    public Uni<Response> compute(@PathParam("id") String id) {
        return service.compute(Params.id(id, "id"), Trigger.MANUAL)
                .map(jobIds -> Response.accepted(Map.of("job_id", jobIds.get(0), "job_ids", jobIds)).build());
    }

    private static Map<String, Object> page(List<SegmentView> segments, int size) {
        Long next = segments.size() == size ? segments.get(segments.size() - 1).id() : null;
        java.util.HashMap<String, Object> body = new java.util.HashMap<>();
        body.put("segments", segments);
        body.put("next_after", next);
        return body;
    }
}
