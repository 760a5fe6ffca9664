package dev.segments.estimate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.Params;
import dev.segments.estimate.Estimate;
import dev.segments.estimate.EstimateRequest;
import dev.segments.estimate.EstimateService;
import dev.segments.estimate.Preview;
import dev.segments.estimate.PreviewRequest;
import dev.segments.estimate.PreviewService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Size estimates of a rule or a saved segment, and the dry run of a rule change. Nothing is saved. */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
public class EstimateResource {

    private final EstimateService estimates;
    private final PreviewService previews;

    public EstimateResource(EstimateService estimates, PreviewService previews) {
        this.estimates = estimates;
        this.previews = previews;
    }

    @POST
    @Path("/estimate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Estimate the size of a rule",
            description = "Body {rules, sample_percent? (0 < p <= 100, default 1), per_node? (estimate every node, "
                    + "keyed by JSON Pointer), method? (auto | sample | exact)}. A Bernoulli sample extrapolated to the "
                    + "population with a 95% Wilson interval; an exact count for small populations or rare rules.")
    public Uni<Estimate> estimate(JsonNode body) {
        return estimates.estimate(EstimateRequest.from(body, true, estimates.defaultSamplePercent()));
    }

    @POST
    @Path("/{id}/estimate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Estimate the size of a saved segment's rule",
            description = "Optional body {sample_percent?, per_node?, method?}, as for POST /api/v1/segments/estimate.")
    public Uni<Estimate> estimateSaved(@PathParam("id") String id, JsonNode body) {
        long segmentId = Params.id(id, "id");
        return estimates.estimateSaved(segmentId, EstimateRequest.from(body, false, estimates.defaultSamplePercent()));
    }

    @POST
    @Path("/{id}/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dry run of new rules for a segment",
            description = "Body {rules} (the PUT body is accepted: name and description are ignored). Answers, exactly and "
                    + "without saving, how many members would leave and how many users would join, the new size, "
                    + "and up to 20 user ids of each side; saving the same rules right after writes exactly these changes.")
    public Uni<Preview> preview(@PathParam("id") String id, JsonNode body) {
        long segmentId = Params.id(id, "id");
        return previews.preview(segmentId, PreviewRequest.from(body).rule());
    }
}
