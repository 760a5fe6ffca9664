package dev.segments.drift.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.Params;
import dev.segments.drift.AlertService;
import dev.segments.drift.AlertSettings;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A segment's drift alert thresholds: every segment has them, with defaults, from its creation. */
@Path("/api/v1/segments/{id}/alert-settings")
@Produces(MediaType.APPLICATION_JSON)
public class AlertSettingsResource {

    private final AlertService alerts;

    public AlertSettingsResource(AlertService alerts) {
        this.alerts = alerts;
    }

    @GET
    public Uni<AlertSettings> settings(@PathParam("id") String id) {
        return alerts.settings(Params.id(id, "id"));
    }

    /** Replaces the thresholds: an absent field takes its default, {@code null} turns that check off. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<AlertSettings> saveSettings(@PathParam("id") String id, JsonNode body) {
        long segmentId = Params.id(id, "id");
        return alerts.saveSettings(AlertSettings.fromRequest(segmentId, body));
    }
}
