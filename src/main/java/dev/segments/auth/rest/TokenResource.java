package dev.segments.auth.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.PageBody;
import dev.segments.api.Params;
import dev.segments.auth.ApiToken;
import dev.segments.auth.CurrentCaller;
import dev.segments.auth.TokenService;
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
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** API tokens (admin only, see {@code AccessRules}): the secret is in the create answer only. */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final TokenService service;
    private final CurrentCaller caller;

    public TokenResource(TokenService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API token", description = "{name, role: viewer|editor|admin}. The token (seg_…) is in"
            + " this answer only; it is stored as a SHA-256 hash. It belongs to the calling admin's account and"
            + " stops working when that account is disabled.")
    public Uni<Response> create(JsonNode body) {
        return service.create(body, caller.accountId())
                .map(created -> Response.created(URI.create("/api/v1/tokens/" + created.id())).entity(created).build());
    }

    @GET
    @Operation(summary = "List API tokens by id (never their secrets)")
    public Uni<Map<String, Object>> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = Params.limit(limit, 100, 1000);
        return service.page(Params.after(after), size).map(page -> PageBody.of("tokens", page, size, ApiToken::id));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read an API token (without its secret)")
    public Uni<ApiToken> get(@PathParam("id") String id) {
        return service.get(Params.id(id, "id"));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API token", description = "Takes effect at once on every instance; the token stays listed with revoked_at.")
    public Uni<ApiToken> revoke(@PathParam("id") String id) {
        return service.revoke(Params.id(id, "id"));
    }
}
