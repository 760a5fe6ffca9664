package dev.segments.export.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.Params;
import dev.segments.export.ExportService;
import dev.segments.export.ExportView;
import dev.segments.export.Subscription;
import io.smallrye.mutiny.Uni;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A segment's exports and subscriptions. */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
public class SegmentExportResource {

    private final ExportService service;

    public SegmentExportResource(ExportService service) {
        this.service = service;
    }

    @POST
    @Path("/{id}/exports")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Export a segment's members",
            description = "{destination_id, format: csv|json|ndjson (csv), mode: full|diff (full)}; runs in the background (202).")
    public Uni<Response> start(@PathParam("id") String id, JsonNode body) {
        return service.start(Params.id(id, "id"), body)
                .map(job -> Response.accepted(job).location(URI.create("/api/v1/exports/" + job.id())).build());
    }

    @GET
    @Path("/{id}/exports")
    @Operation(summary = "A segment's exports, newest first (after = the last id of the previous page)")
    public Uni<Map<String, Object>> list(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        int size = Params.limit(limit, 100, 1000);
        long cursor = Params.after(after);
        return service.pageForSegment(Params.id(id, "id"), cursor == 0 ? Long.MAX_VALUE : cursor, size)
                .map(page -> page("exports", page, size, page.isEmpty() ? null : page.get(page.size() - 1).id()));
    }

    @PUT
    @Path("/{id}/subscriptions/{destination_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Push an export to the destination after each completed compute of the segment",
            description = "{format: csv|json|ndjson (csv), mode: full|diff (full)}")
    public Uni<Subscription> subscribe(@PathParam("id") String id, @PathParam("destination_id") String destinationId,
            JsonNode body) {
        return service.subscribe(Params.id(id, "id"), Params.id(destinationId, "destination_id"), body);
    }

    @DELETE
    @Path("/{id}/subscriptions/{destination_id}")
    @Operation(summary = "Stop pushing exports of the segment to the destination")
    public Uni<Response> unsubscribe(@PathParam("id") String id, @PathParam("destination_id") String destinationId) {
        return service.unsubscribe(Params.id(id, "id"), Params.id(destinationId, "destination_id"))
                .map(ignored -> Response.noContent().build());
    }

    @GET
    @Path("/{id}/subscriptions")
    @Operation(summary = "A segment's subscriptions, by destination id")
    public Uni<Map<String, Object>> subscriptions(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        int size = Params.limit(limit, 100, 1000);
        return service.subscriptions(Params.id(id, "id"), Params.after(after), size)
                .map(page -> page("subscriptions", page, size, page.isEmpty() ? null : page.get(page.size() - 1).destinationId()));
    }

    private static Map<String, Object> page(String name, List<?> page, int size, Long last) {
        Map<String, Object> body = new HashMap<>();
        body.put(name, page);
        body.put("next_after", page.size() == size ? last : null);
        return body;
    }

}
