package dev.segments.web.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.auth.Account;
import dev.segments.auth.AccountService;
import dev.segments.auth.ApiToken;
import dev.segments.auth.CurrentCaller;
import dev.segments.auth.TokenService;
import dev.segments.problem.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;

/**
 * Access (admins only, see {@code AccessRules}): API tokens (create: the secret is shown once; revoke)
 * and accounts (create, change role, disable, enable). The same services as the JSON API.
 */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class AdminPage {

    static final int LIMIT = 1000;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(Area area);

        static native TemplateInstance page$area(Area area);
    }

    /** What the page shows; {@code created} is a token just created (its secret visible once), {@code message} an error. */
    public record Area(List<ApiToken> tokens, List<Account> accounts, ApiToken created, String message, Long self) {
    }

    private final TokenService tokens;
    private final AccountService accounts;
    private final CurrentCaller caller;
    private final ObjectMapper json;

    public AdminPage(TokenService tokens, AccountService accounts, CurrentCaller caller, ObjectMapper json) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.caller = caller;
        this.json = json;
    }

    @GET
    public Uni<TemplateInstance> page() {
        return area(null, null).map(Templates::page);
    }

    @POST
    @Path("/tokens")
    public Uni<TemplateInstance> createToken(MultivaluedMap<String, String> form) {
        return answer(Uni.createFrom().deferred(() -> tokens.create(body(form, "name", "role"), caller.accountId())));
    }

    @POST
    @Path("/tokens/{id}/revoke")
    public Uni<TemplateInstance> revoke(@PathParam("id") long id) {
        return answer(tokens.revoke(id).replaceWith((ApiToken) null));
    }

    @POST
    @Path("/accounts")
    public Uni<TemplateInstance> createAccount(MultivaluedMap<String, String> form) {
        return answer(Uni.createFrom().deferred(() -> accounts.create(body(form, "username", "password", "role")))
                .replaceWith((ApiToken) null));
    }

    /** Changes an account: the form sends {@code role} or {@code disabled}. */
    @POST
    @Path("/accounts/{id}")
    public Uni<TemplateInstance> updateAccount(@PathParam("id") long id, MultivaluedMap<String, String> form) {
        ObjectNode body = body(form, "role", "password");
        if (form.getFirst("disabled") != null) {
            body.put("disabled", "true".equals(form.getFirst("disabled")));
        }
        return answer(Uni.createFrom().deferred(() -> accounts.update(id, body, caller.accountId())).replaceWith((ApiToken) null));
    }

    private Uni<TemplateInstance> answer(Uni<ApiToken> action) {
        return action.chain(created -> area(created, null))
                .onFailure(ProblemException.class).recoverWithUni(e -> area(null, message((ProblemException) e)))
                .map(Templates::page$area);
    }

    private static String message(ProblemException e) {
        var problem = e.toProblem();
        if (problem.errors() == null || problem.errors().isEmpty()) {
            return problem.detail();
        }
        return String.join("; ", problem.errors().stream().map(err -> err.pointer() + ": " + err.message()).toList());
    }

    private ObjectNode body(MultivaluedMap<String, String> form, String... fields) {
        ObjectNode body = json.createObjectNode();
        for (String field : fields) {
            String value = form.getFirst(field);
            if (value != null && !value.isEmpty()) {
                body.put(field, value);
            }
        }
        return body;
    }

    private Uni<Area> area(ApiToken created, String message) {
        return tokens.page(0, LIMIT).chain(t -> accounts.page(0, LIMIT)
                .map(a -> new Area(t, a, created, message, caller.accountId())));
    }
}
