package dev.segments.user.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.Params;
import dev.segments.user.AttributeChange;
import dev.segments.user.AttributeIntake;
import dev.segments.user.ChangeRequests;
import dev.segments.user.UserIds;
import dev.segments.user.UserService;
import dev.segments.user.UserService.UserView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A user's attribute snapshot: replace, merge, read, delete. Memberships are current when it answers. */
@Path("/api/v1/users/{user_id}")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private final AttributeIntake intake;
    private final UserService users;

    public UserResource(AttributeIntake intake, UserService users) {
        this.intake = intake;
        this.users = users;
    }

    @PUT
    @Path("/attributes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> replace(@PathParam("user_id") String userId, JsonNode body) {
        return apply(ChangeRequests.single(UserIds.fromPath(userId), body, true));
    }

    @PATCH
    @Path("/attributes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> merge(@PathParam("user_id") String userId, JsonNode body) {
        return apply(ChangeRequests.single(UserIds.fromPath(userId), body, false));
    }

    @GET
    public Uni<UserView> get(@PathParam("user_id") String userId) {
        return users.get(UserIds.fromPath(userId));
    }

    @DELETE
    public Uni<Response> delete(@PathParam("user_id") String userId) {
        return users.delete(UserIds.fromPath(userId)).map(ignored -> Response.noContent().build());
    }

    private Uni<Map<String, Object>> apply(AttributeChange change) {
        return intake.apply(List.of(change)).map(result -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user_id", change.userId());
            body.put("attributes", result.attributes().get(change.userId()));
            body.put("segments", result.segments().get(change.userId()));
            return body;
        });
    }
}
