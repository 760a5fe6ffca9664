package dev.segments.web.alerts;

import dev.segments.drift.AlertService;
import dev.segments.problem.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Drift alerts: open ones by default (or acknowledged, or all), each acknowledged in place. */
@Path("/alerts")
@Produces(MediaType.TEXT_HTML)
public class AlertsPage {

    static final int PAGE_SIZE = 25;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(String show, List<AlertRow> alerts, Long olderBefore);

        static native TemplateInstance list$row(AlertRow a);
    }

    private final AlertRows rows;
    private final AlertService alerts;
    private final Pool pool;

    public AlertsPage(AlertRows rows, AlertService alerts, Pool pool) {
        this.rows = rows;
        this.alerts = alerts;
        this.pool = pool;
    }

    @GET
    public Uni<TemplateInstance> list(@QueryParam("show") String show, @QueryParam("before") String before) {
        String wanted = show == null || !List.of("acknowledged", "all").contains(show) ? "open" : show;
        Boolean acknowledged = switch (wanted) {
            case "acknowledged" -> true;
            case "all" -> null;
            default -> false;
        };
        long cursor = cursor(before);
        return pool.withConnection(conn -> rows.page(conn, acknowledged, cursor, PAGE_SIZE + 1)).map(found -> {
            boolean more = found.size() > PAGE_SIZE;
            List<AlertRow> shown = more ? List.copyOf(found.subList(0, PAGE_SIZE)) : found;
            return Templates.list(wanted, shown, more ? shown.get(shown.size() - 1).id() : null);
        });
    }

    /** Acknowledges an alert and answers its updated row. */
    @POST
    @Path("/{id}/acknowledge")
    public Uni<TemplateInstance> acknowledge(@PathParam("id") long id) {
        return alerts.acknowledge(id)
                .chain(() -> pool.withConnection(conn -> rows.find(conn, id)))
                .map(found -> Templates.list$row(found.orElseThrow(() -> ProblemException.notFound("alert " + id))));
    }

    private static long cursor(String raw) {
        try {
            long value = raw == null || raw.isBlank() ? 0 : Long.parseLong(raw.trim());
            return value > 0 ? value : Long.MAX_VALUE;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
