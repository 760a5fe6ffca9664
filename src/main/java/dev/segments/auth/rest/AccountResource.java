package dev.segments.auth.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.PageBody;
import dev.segments.api.Params;
import dev.segments.auth.Account;
import dev.segments.auth.AccountService;
import dev.segments.auth.CurrentCaller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

/** Accounts of the admin UI (admin only, see {@code AccessRules}). */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final AccountService service;
    private final CurrentCaller caller;

    public AccountResource(AccountService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an account", description = "{username, password (12+ characters), role: viewer|editor|admin}")
    public Uni<Response> create(JsonNode body) {
        return service.create(body)
                .map(created -> Response.created(URI.create("/api/v1/accounts/" + created.id())).entity(created).build());
    }

    @GET
    @Operation(summary = "List accounts by id (never their password hashes)")
    public Uni<Map<String, Object>> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = Params.limit(limit, 100, 1000);
        return service.page(Params.after(after), size).map(page -> PageBody.of("accounts", page, size, Account::id));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read an account")
    public Uni<Account> get(@PathParam("id") String id) {
        return service.get(Params.id(id, "id"));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change an account", description = "{role?, disabled?, password?}. Disabling or a new password"
            + " ends the account's sessions; a disabled account's tokens stop working. Your own account cannot be"
            + " disabled or demoted.")
    public Uni<Account> update(@PathParam("id") String id, JsonNode body) {
        if (body == null) {
            throw dev.segments.problem.ProblemException.badRequest("", "the body must be a JSON object");
        }
        return service.update(Params.id(id, "id"), body, caller.accountId());
    }
}
