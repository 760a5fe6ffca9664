package dev.segments.user.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.config.SegmentsConfig;
import dev.segments.user.AttributeIntake;
import dev.segments.user.ChangeRequests;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** attribute_changed events, in batches; memberships are current when it answers. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EventResource {

    private final AttributeIntake intake;
    private final SegmentsConfig config;

    public EventResource(AttributeIntake intake, SegmentsConfig config) {
        this.intake = intake;
        this.config = config;
    }

    @POST
    public Uni<Map<String, Integer>> post(JsonNode body) {
        return intake.apply(ChangeRequests.events(body, config.limits().eventsPerRequest()))
                .map(result -> {
                    Map<String, Integer> answer = new LinkedHashMap<>(); // in the order the API documents
                    answer.put("processed", result.processed());
                    answer.put("duplicates", result.duplicates());
                    answer.put("joined", result.joined());
                    answer.put("left", result.left());
                    return answer;
                });
    }
}
