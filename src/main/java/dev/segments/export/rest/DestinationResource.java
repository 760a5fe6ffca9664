package dev.segments.export.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.Params;
import dev.segments.export.Destination;
import dev.segments.export.DestinationService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

/** Export destinations: a directory on the server or a signed webhook. */
@Path("/api/v1/destinations")
@Produces(MediaType.APPLICATION_JSON)
public class DestinationResource {

    private final DestinationService service;

    public DestinationResource(DestinationService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a destination",
            description = "{name, type: directory|webhook, path (directory) | url, batch_size?, timeout_ms?, max_attempts? (webhook)}."
                    + " A webhook's signing secret (whsec_…) is in this answer only.")
    public Uni<Response> create(JsonNode body) {
        return service.create(body).map(created -> Response.created(URI.create("/api/v1/destinations/" + created.id()))
                .entity(created).build());
    }

    @GET
    @Operation(summary = "List destinations by id (secrets masked)")
    public Uni<Map<String, Object>> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = Params.limit(limit, 100, 1000);
        return service.page(Params.after(after), size).map(page -> page(page, size));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read a destination (secret masked)")
    public Uni<Destination> get(@PathParam("id") String id) {
        return service.get(Params.id(id, "id"));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a destination, its subscriptions and its exports")
    public Uni<Response> delete(@PathParam("id") String id) {
        return service.delete(Params.id(id, "id")).map(ignored -> Response.noContent().build());
    }

    private static Map<String, Object> page(List<Destination> page, int size) {
        Map<String, Object> body = new HashMap<>();
        body.put("destinations", page);
        body.put("next_after", page.size() == size ? page.get(page.size() - 1).id() : null);
        return body;
    }
}
