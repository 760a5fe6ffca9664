package dev.segments.web.segment;

import dev.segments.compute.Trigger;
import dev.segments.problem.ProblemException;
import dev.segments.segment.SegmentService;
import dev.segments.web.Hx;
import dev.segments.web.UserIdLinks;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;

/**
 * The segment page, {@code /segments/{id}}: header, rule sentence, drift chart, compute jobs, alerts,
 * members, where used and exports. Every part is a fragment of the one template, re-rendered alone
 * by the htmx request that changes it.
 */
@Path("/segments")
@Produces(MediaType.TEXT_HTML)
public class SegmentPage {

    /** Fired (HX-Trigger) by every answer about compute jobs, so that the header refreshes itself. */
    static final String JOBS_CHANGED = "segment-jobs-changed";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(Views.Header header, Views.Chart chart, Views.Jobs jobs,
                Views.Alerts alerts, Views.Members members, List<SegmentQueries.SegmentLink> usedBy,
                Views.Exports exports);

        static native TemplateInstance page$summary(Views.Header header);

        static native TemplateInstance page$chart(Views.Chart chart);

        static native TemplateInstance page$jobs(Views.Jobs jobs);

        static native TemplateInstance page$alerts(Views.Alerts alerts);

        static native TemplateInstance page$members(Views.Members members);

        static native TemplateInstance page$exports(Views.Exports exports);

        static native TemplateInstance page$history(Views.Exports exports);

        static native TemplateInstance membership(String userId, boolean known, dev.segments.membership.Member member);

        static native TemplateInstance message(String text);

        static native TemplateInstance notFound(String what);
    }

    private final SegmentParts parts;
    private final SegmentForms forms;
    private final SegmentService segments;

    public SegmentPage(SegmentParts parts, SegmentForms forms, SegmentService segments) {
        this.parts = parts;
        this.forms = forms;
        this.segments = segments;
    }

    @GET
    @Path("/{id}")
    public Uni<Response> page(@PathParam("id") String rawId) {
        Long id = id(rawId);
        if (id == null) {
            return Uni.createFrom().item(notFound(rawId));
        }
        // the jobs are read before the header and the chart: if they show no running job, the header and
        // the chart read afterwards include its result; if they show one, the jobs part polls and its end
        // refreshes the header and the chart (read in the other order, a job finishing in between would
        // leave a header saying "running" that nothing refreshes)
        return parts.jobs(id).chain(jobs -> parts.header(id).chain(header -> header == null
                ? Uni.createFrom().item(notFound(rawId))
                : Uni.combine().all().unis(parts.chart(id, ChartRange.D30), forms.alerts(id),
                                parts.members(id, 0, null), parts.usedBy(id), forms.exports(id))
                        .asTuple().map(t -> ok(Templates.page(header, t.getItem1(), jobs, t.getItem2(),
                                t.getItem3(), t.getItem4(), t.getItem5())))));
    }

    @GET
    @Path("/{id}/summary")
    public Uni<Response> summary(@PathParam("id") String rawId) {
        return withId(rawId, id -> parts.header(id).map(header -> header == null ? notFound(rawId)
                : ok(Templates.page$summary(header))));
    }

    @GET
    @Path("/{id}/chart")
    public Uni<Response> chart(@PathParam("id") String rawId, @QueryParam("range") String range) {
        return withId(rawId, id -> parts.chart(id, ChartRange.of(range)).map(chart -> ok(Templates.page$chart(chart))));
    }

    /**
     * The jobs table; polled while a job runs, answering 286 (stop polling) once none does, and then
     * telling the header to refresh (new member count and status).
     */
    @GET
    @Path("/{id}/jobs")
    public Uni<Response> jobs(@PathParam("id") String rawId) {
        return withId(rawId, id -> parts.jobs(id).map(jobs -> jobs.running()
                ? Response.ok(Templates.page$jobs(jobs)).build()
                : Response.status(Hx.STOP_POLLING).entity(Templates.page$jobs(jobs)).header(Hx.TRIGGER, JOBS_CHANGED).build()));
    }

    @POST
    @Path("/{id}/compute")
    public Uni<Response> compute(@PathParam("id") String rawId) {
        return withId(rawId, id -> segments.compute(id, Trigger.MANUAL).chain(() -> parts.jobs(id))
                .map(jobs -> Response.ok(Templates.page$jobs(jobs)).header(Hx.TRIGGER, JOBS_CHANGED).build()));
    }

    /** Deletes the segment and goes to the list; a segment other segments reference stays (409, with why). */
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String rawId, @Context HttpHeaders headers) {
        return withId(rawId, id -> segments.delete(id).map(done -> Hx.redirect(headers, "/segments"))
                .onFailure(ProblemException.class).recoverWithItem(e -> Response.status(((ProblemException) e).status())
                        .entity(Templates.message(e.getMessage())).build()));
    }

    @GET
    @Path("/{id}/members")
    public Uni<Response> members(@PathParam("id") String rawId, @QueryParam("after") String after,
            @QueryParam("before") String before) {
        Long afterId = id(after);
        Long beforeId = id(before);
        return withId(rawId, id -> parts.members(id, afterId == null ? 0 : afterId, beforeId)
                .map(members -> ok(Templates.page$members(members))));
    }

    /** Whether one user, by external id as typed, is a member ("Jump to user"). */
    @GET
    @Path("/{id}/member")
    public Uni<Response> member(@PathParam("id") String rawId, @QueryParam("user") String user) {
        String userId = user == null ? "" : user;
        return withId(rawId, id -> !UserIdLinks.isUserId(userId)
                ? Uni.createFrom().item(ok(Templates.membership(userId, false, null)))
                : parts.membership(id, userId).map(member -> ok(Templates.membership(userId, member != null,
                        member == null ? null : member.orElse(null)))));
    }

    @PUT
    @Path("/{id}/alert-settings")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> saveAlertSettings(@PathParam("id") String rawId, @RestForm("relative_change") String relative,
            @RestForm("min_previous_count") String minPrevious, @RestForm("on_zero") String onZero,
            @RestForm("stale_after_hours") String stale, @RestForm("destination_id") String destination) {
        AlertForm form = new AlertForm(relative, minPrevious, onZero != null, stale, destination);
        return withId(rawId, id -> forms.saveAlerts(id, form).map(alerts -> Response.status(alerts.errors().isEmpty() ? 200 : 400)
                .entity(Templates.page$alerts(alerts)).build()));
    }

    @POST
    @Path("/{id}/alerts/{alertId}/acknowledge")
    public Uni<Response> acknowledge(@PathParam("id") String rawId, @PathParam("alertId") String alertId) {
        Long alert = id(alertId);
        return withId(rawId, id -> alert == null ? Uni.createFrom().item(notFound(alertId))
                : forms.acknowledge(id, alert).map(alerts -> ok(Templates.page$alerts(alerts))));
    }

    @POST
    @Path("/{id}/exports")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> export(@PathParam("id") String rawId, @RestForm("destination_id") String destination,
            @RestForm("format") String format, @RestForm("mode") String mode) {
        Views.ExportForm form = new Views.ExportForm(destination, format, mode);
        return withId(rawId, id -> forms.startExport(id, form).map(exports -> Response.status(exports.errors().isEmpty() ? 200 : 400)
                .entity(Templates.page$exports(exports)).build()));
    }

    /** The exports part; polled while an export is queued or running, answering 286 once none is. */
    @GET
    @Path("/{id}/exports")
    public Uni<Response> exports(@PathParam("id") String rawId) {
        return withId(rawId, id -> forms.exports(id).map(exports -> Response.status(exports.active() ? 200 : Hx.STOP_POLLING)
                .entity(Templates.page$history(exports)).build()));
    }

    private static Uni<Response> withId(String rawId, java.util.function.Function<Long, Uni<Response>> answer) {
        Long id = id(rawId);
        return id == null ? Uni.createFrom().item(notFound(rawId)) : answer.apply(id);
    }

    /** A positive id, or null when the text is not one. */
    static Long id(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(Character::isDigit)) {
            return null;
        }
        long id = Long.parseLong(raw);
        return id > 0 ? id : null;
    }

    private static Response ok(TemplateInstance page) {
        return Response.ok(page).build();
    }

    /** The friendly 404 page, for other pages that look a segment up. */
    public static Response notFoundPage(String what) {
        return Response.status(404).entity(Templates.notFound(what)).build();
    }

    private static Response notFound(String rawId) {
        return Response.status(404).entity(Templates.notFound("segment " + rawId)).build();
    }
}
