package dev.segments.web.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.membership.HistoryEntry;
import dev.segments.membership.HistoryStore;
import dev.segments.problem.ProblemException;
import dev.segments.user.UserKeys;
import dev.segments.user.UserService;
import dev.segments.web.UserIdLinks;
import dev.segments.user.UserService.UserView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** User lookup: a user's attributes, current segments and join/leave history. */
@Path("/users")
@Produces(MediaType.TEXT_HTML)
public class UsersPage {

    static final int HISTORY_PAGE = 25;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance lookup(String id, String message);

        static native TemplateInstance user(UserView user, List<Attribute> attributes, List<HistoryEntry> history,
                boolean paged, Long olderBefore);
    }

    /** One attribute, its value as JSON text. */
    public record Attribute(String key, String json) {
    }

    private final UserService users;
    private final HistoryStore history;
    private final Pool pool;
    private final UserKeys keys;

    public UsersPage(UserService users, HistoryStore history, Pool pool, UserKeys keys) {
        this.users = users;
        this.history = history;
        this.pool = pool;
        this.keys = keys;
    }

    /**
     * The lookup form; submitting it ({@code ?id=}) opens the page of the user with exactly that external
     * id (case, spaces and leading zeros matter), its id percent-encoded in the path.
     */
    @GET
    public Uni<Response> lookup(@QueryParam("id") String id) {
        if (id == null || id.isEmpty()) {
            return html(Templates.lookup("", null), 200);
        }
        if (!UserIdLinks.isUserId(id)) {
            return notFound(id);
        }
        if (UserIdLinks.isDotSegment(id)) {
            return user(id, null); // no path can carry it: the page answers here
        }
        return Uni.createFrom().item(Response.seeOther(URI.create(UserIdLinks.userPage(id))).build());
    }

    /** A user's page, by external id (URL-decoded from the path). */
    @GET
    @Path("/{id}")
    public Uni<Response> user(@PathParam("id") String id, @QueryParam("before") String before) {
        if (!UserIdLinks.isUserId(id)) {
            return notFound(id);
        }
        Long cursor = positive(before);
        return users.get(id)
                .chain(user -> pool.withConnection(conn -> keys.find(conn, id).chain(key -> history.userHistory(conn, key,
                                null, cursor == null ? Long.MAX_VALUE : cursor, HISTORY_PAGE + 1)))
                        .chain(page -> {
                            List<HistoryEntry> entries = page.entries();
                            boolean more = entries.size() > HISTORY_PAGE;
                            List<HistoryEntry> shown = more ? entries.subList(0, HISTORY_PAGE) : entries;
                            Long older = more ? shown.get(shown.size() - 1).id() : null;
                            return html(Templates.user(user, attributes(user.attributes()), List.copyOf(shown), cursor != null, older), 200);
                        }))
                .onFailure(e -> e instanceof ProblemException p && p.status() == 404).recoverWithUni(e -> notFound(id));
    }

    private static Uni<Response> notFound(String id) {
        return html(Templates.lookup(id, "No user with id “" + id + "”."), 404);
    }

    private static Uni<Response> html(TemplateInstance page, int status) {
        return page.createUni().map(body -> Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(body).build());
    }

    private static List<Attribute> attributes(ObjectNode node) {
        List<Attribute> attributes = new ArrayList<>();
        node.fields().forEachRemaining(field -> attributes.add(new Attribute(field.getKey(), field.getValue().toString())));
        attributes.sort((a, b) -> a.key().compareTo(b.key()));
        return attributes;
    }

    private static Long positive(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            long value = Long.parseLong(raw.trim());
            return value > 0 ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
