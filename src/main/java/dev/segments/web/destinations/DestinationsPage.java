package dev.segments.web.destinations;

import dev.segments.export.Destination;
import dev.segments.export.DestinationService;
import dev.segments.problem.Problem;
import dev.segments.problem.ProblemException;
import dev.segments.web.Hx;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Export destinations: the list, delete, and the create forms of a directory and of a webhook. A
 * created webhook's signing secret is shown once, in the answer to the create request only.
 */
@Path("/destinations")
@Produces(MediaType.TEXT_HTML)
public class DestinationsPage {

    static final int LIMIT = 1000;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Area area);

        static native TemplateInstance list$area(Area area);

        static native TemplateInstance message(String message);
    }

    /** Everything the page shows; {@code created} is the destination just created (its secret visible), or null. */
    public record Area(List<Destination> destinations, DestinationForm directory, DestinationForm webhook,
            Destination created, String exportsRoot) {
    }

    private final DestinationService service;

    public DestinationsPage(DestinationService service) {
        this.service = service;
    }

    @GET
    public Uni<TemplateInstance> list() {
        return area(DestinationForm.empty("directory"), DestinationForm.empty("webhook"), null).map(Templates::list);
    }

    /** Creates a destination from one of the two forms and answers the page's area again. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> create(MultivaluedMap<String, String> form) {
        String type = "webhook".equals(form.getFirst("type")) ? "webhook" : "directory";
        Map<String, String> fields = new HashMap<>();
        form.forEach((key, values) -> fields.put(key, values.isEmpty() ? null : values.get(0)));
        DestinationForm typed = DestinationForm.typed(type, fields);
        return Uni.createFrom().deferred(() -> service.create(typed.body()))
                .chain(created -> area(DestinationForm.empty("directory"), DestinationForm.empty("webhook"), created))
                .onFailure(ProblemException.class).recoverWithUni(e -> {
                    Problem problem = ((ProblemException) e).toProblem();
                    DestinationForm failed = typed.withErrors(problem.errors() == null ? List.of() : problem.errors(),
                            problem.detail());
                    return "webhook".equals(type) ? area(DestinationForm.empty("directory"), failed, null)
                            : area(failed, DestinationForm.empty("webhook"), null);
                })
                .map(Templates::list$area);
    }

    /** Deletes a destination: an empty answer removes its row; a refusal is shown in the page's message box. */
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") long id) {
        return service.delete(id).map(ignored -> Response.ok("", MediaType.TEXT_HTML_TYPE).build())
                .onFailure(ProblemException.class).recoverWithUni(e -> Templates.message(e.getMessage()).createUni()
                        .map(html -> Response.ok(html, MediaType.TEXT_HTML_TYPE)
                                .header("HX-Retarget", "#destination-message").header("HX-Reswap", "innerHTML").build()));
    }

    private Uni<Area> area(DestinationForm directory, DestinationForm webhook, Destination created) {
        return service.page(0, LIMIT).map(all -> new Area(all, directory, webhook, created, service.root().toString()));
    }
}
