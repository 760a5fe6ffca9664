package dev.segments.drift.rest;

import dev.segments.api.Params;
import dev.segments.drift.Alert;
import dev.segments.drift.AlertService;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Drift alerts: list and acknowledge them. */
@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

    private final AlertService alerts;

    public AlertResource(AlertService alerts) {
        this.alerts = alerts;
    }

    /** Alerts newest first: {@code status} {@code open} (not acknowledged) or {@code acknowledged}; {@code next_after} pages on. */
    @GET
        public Uni<Map<String, Object>> list(@QueryParam("status") String status, @QueryParam("segment_id") String segmentId,
            @QueryParam("limit") String limit, @QueryParam("after") String after) {
        String wanted = status == null || status.isBlank() ? null : status.trim();
        if (wanted != null && !List.of("open", "acknowledged").contains(wanted)) {
            throw ProblemException.badRequest("/status", "status must be open or acknowledged");
        }
        Long segment = segmentId == null || segmentId.isBlank() ? null : Params.id(segmentId, "segment_id");
        int size = Params.limit(limit, 100, 1000);
        long cursor = Params.after(after);
        return alerts.page(wanted, segment, cursor == 0 ? Long.MAX_VALUE : cursor, size).map(page -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("alerts", page);
            body.put("next_after", page.size() == size ? page.get(size - 1).id() : null);
            return body;
        });
    }

    @POST
    @Path("/{id}/acknowledge")
    public Uni<Alert> acknowledge(@PathParam("id") String id) {
        return alerts.acknowledge(Params.id(id, "id"));
    }
}
