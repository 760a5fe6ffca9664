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

/** Export jobs: read, retry, download the file. */
@Path("/api/v1/exports")
@Produces(MediaType.APPLICATION_JSON)
public class ExportResource {

    private final ExportService service;

    public ExportResource(ExportService service) {
        this.service = service;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "An export job: status, progress, counts, error")
    public Uni<ExportView> get(@PathParam("id") String id) {
        return service.get(Params.id(id, "id"));
    }

    @POST
    @Path("/{id}/retry")
    @Operation(summary = "Queue a failed export again; a webhook export resumes at its first batch not yet accepted")
    public Uni<Response> retry(@PathParam("id") String id) {
        return service.retry(Params.id(id, "id")).map(job -> Response.accepted(job).build());
    }

    @GET
    @Path("/{id}/file")
    @Produces({"text/csv", "application/json", "application/x-ndjson"})
    @Operation(summary = "Download the file a completed directory export wrote")
    public Uni<Response> file(@PathParam("id") String id) {
        return service.file(Params.id(id, "id")).map(file -> Response.ok(file.toFile())
                .type(contentType(file.getFileName().toString()))
                .header("content-disposition", "attachment; filename=\"" + file.getFileName() + "\"").build());
    }

    private static String contentType(String fileName) {
        if (fileName.endsWith(".ndjson")) {
            return "application/x-ndjson";
        }
        return fileName.endsWith(".json") ? MediaType.APPLICATION_JSON : "text/csv";
    }
}
