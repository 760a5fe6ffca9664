package dev.segments.web.login;

import dev.segments.auth.CurrentCaller;
import dev.segments.auth.LocalPath;
import dev.segments.auth.LoginService;
import dev.segments.auth.SessionCookie;
import dev.segments.web.Hx;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The login form and logout. A successful login opens a new session (a fresh random id, so a session
 * id planted before the login is useless) and goes to {@code next}, a local path only.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class LoginPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(String next, String username, String message);

        static native TemplateInstance login$form(String next, String username, String message);
    }

    private final LoginService logins;
    private final SessionCookie cookies;
    private final CurrentCaller caller;

    public LoginPage(LoginService logins, SessionCookie cookies, CurrentCaller caller) {
        this.logins = logins;
        this.cookies = cookies;
        this.caller = caller;
    }

    @GET
    @Path("/login")
    public Response form(@QueryParam("next") String next) {
        String target = LocalPath.orRoot(next);
        if (caller.isSession()) {
            return Response.seeOther(java.net.URI.create(target)).build();
        }
        return Response.ok(Templates.login(target, "", null)).build();
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> login(@FormParam("username") String username, @FormParam("password") String password,
            @FormParam("next") String next, @Context HttpHeaders headers) {
        String target = LocalPath.orRoot(next);
        String name = username == null ? "" : username.trim();
        return logins.login(name, password).map(outcome -> {
            if (outcome.isOpened()) {
                return redirect(headers, target).header("Set-Cookie", cookies.of(outcome.session())).build();
            }
            if (outcome.isLocked()) {
                long seconds = Math.max(1, (outcome.lockedFor().toMillis() + 999) / 1000);
                String message = "Too many failed logins for this user name. Try again in " + inWords(seconds) + ".";
                // htmx swaps 2xx answers only: the form with its message; a plain form post gets the 429 it is
                return Response.status(Hx.isHtmx(headers) ? 200 : 429).header(HttpHeaders.RETRY_AFTER, seconds)
                        .entity(Templates.login$form(target, name, message)).build();
            }
            return Response.ok(Templates.login$form(target, name, "Wrong user name or password, or the account is disabled."))
                    .build();
        });
    }

    private static String inWords(long seconds) {
        if (seconds < 90) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 59) / 60;
        return minutes + " minutes";
    }

    @POST
    @Path("/logout")
    public Uni<Response> logout(@Context HttpHeaders headers) {
        Uni<Void> ended = caller.isSession() ? logins.logout(caller.caller().sessionHash()) : Uni.createFrom().voidItem();
        return ended.map(ignored -> redirect(headers, "/login").header("Set-Cookie", cookies.expired()).build());
    }

    private static Response.ResponseBuilder redirect(HttpHeaders headers, String location) {
        if (Hx.isHtmx(headers)) {
            return Response.ok().header(Hx.REDIRECT, location);
        }
        return Response.seeOther(java.net.URI.create(location));
    }
}
