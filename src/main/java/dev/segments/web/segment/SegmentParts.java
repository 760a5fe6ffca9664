package dev.segments.web.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.compute.JobStore;
import dev.segments.drift.AlertService;
import dev.segments.drift.AlertSettings;
import dev.segments.export.Destination;
import dev.segments.export.DestinationService;
import dev.segments.export.ExportService;
import dev.segments.membership.Member;
import dev.segments.membership.MembershipStore;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleException;
import dev.segments.rule.RuleParser;
import dev.segments.rule.SegmentRef;
import dev.segments.segment.SegmentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Loads each part of the segment page from the services (each part on its own connection, so parts load in parallel). */
@ApplicationScoped
public class SegmentParts {

    static final int JOBS = 10;
    static final int MEMBERS = 25;
    static final int EXPORTS = 10;
    static final int CHART_POINTS = 1000;

    private final Pool pool;
    private final SegmentStore segments;
    private final SegmentQueries queries;
    private final JobStore jobs;
    private final MembershipStore memberships;
    private final AlertService alerts;
    private final DestinationService destinations;
    private final ExportService exports;

    public SegmentParts(Pool pool, SegmentStore segments, SegmentQueries queries, JobStore jobs, 
            MembershipStore memberships, AlertService alerts, DestinationService destinations, ExportService exports) {
        this.pool = pool;
        this.segments = segments;
        this.queries = queries;
        this.jobs = jobs;
        this.memberships = memberships;
        this.alerts = alerts;
        this.destinations = destinations;
        this.exports = exports;
    }

    /** The header, or null when there is no such segment. */
    public Uni<Views.Header> header(long id) {
        return pool.withConnection(conn -> segments.find(conn, id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            Rule rule = parse(found.get().rules());
            List<Long> refs = rule.references().stream().map(SegmentRef::segmentId).distinct().toList();
            return queries.names(conn, refs).chain(names -> jobs.forSegment(conn, id, 1)
                    .map(latest -> new Views.Header(found.get(), latest.isEmpty() ? null : latest.get(0),
                            RuleSentence.of(rule.root(), names))));
        }));
    }

    public Uni<Views.Jobs> jobs(long id) {
        return pool.withConnection(conn -> jobs.forSegment(conn, id, JOBS)).map(list -> new Views.Jobs(id, list));
    }

    public Uni<Views.Chart> chart(long id, ChartRange range) {
        Instant now = Instant.now();
        Instant from = range.from(now);
        return pool.withConnection(conn -> queries.latestPoints(conn, id, from == null ? Instant.EPOCH : from, CHART_POINTS))
                .map(points -> new Views.Chart(id, range, DriftChart.of(points, from, now, 720, 220), points));
    }

    /** A page of members after the user id {@code after}, or, when {@code before} is set, the page before it. */
    public Uni<Views.Members> members(long id, long after, Long before) {
        if (before != null) {
            return pool.withConnection(conn -> queries.membersBefore(conn, id, before, MEMBERS + 1)).map(found -> {
                boolean more = found.size() > MEMBERS;
                List<Member> page = more ? found.subList(1, found.size()) : found;
                return new Views.Members(id, page, more ? page.get(0).userId() : null, page.isEmpty() ? null
                        : page.get(page.size() - 1).userId());
            });
        }
        return pool.withConnection(conn -> memberships.members(conn, id, after, MEMBERS + 1)).map(found -> {
            boolean more = found.size() > MEMBERS;
            List<Member> page = more ? found.subList(0, MEMBERS) : found;
            return new Views.Members(id, page, after > 0 && !page.isEmpty() ? page.get(0).userId() : null,
                    more ? page.get(page.size() - 1).userId() : null);
        });
    }

    public Uni<Optional<Member>> membership(long id, long userId) {
        return pool.withConnection(conn -> queries.membership(conn, id, userId));
    }

    public Uni<List<SegmentQueries.SegmentLink>> usedBy(long id) {
        return pool.withConnection(conn -> queries.usedBy(conn, id));
    }

    public Uni<Views.Alerts> alerts(long id) {
        return alerts.settings(id).chain(settings -> alertsWith(id, AlertForm.of(settings), Map.of(), false));
    }

    /** Saves the thresholds; a rejected form comes back with its errors by field name. */
    public Uni<Views.Alerts> saveAlerts(long id, AlertForm form) {
        Uni<AlertSettings> saved;
        try {
            saved = alerts.saveSettings(AlertSettings.fromRequest(id, form.toJson()));
        } catch (ProblemException e) {
            saved = Uni.createFrom().failure(e);
        }
        return saved.chain(settings -> alertsWith(id, AlertForm.of(settings), Map.of(), true))
                .onFailure(ProblemException.class).recoverWithUni(e -> alertsWith(id, form, errors((ProblemException) e,
                        "relative_change", AlertForm.PERCENT_MESSAGE), false));
    }

    public Uni<Views.Alerts> acknowledge(long id, long alertId) {
        return alerts.acknowledge(alertId).chain(() -> alerts(id));
    }

    private Uni<Views.Alerts> alertsWith(long id, AlertForm form, Map<String, String> errors, boolean saved) {
        return Uni.combine().all().unis(destinations.page(0, 100), alerts.page("open", id, Long.MAX_VALUE, 20)).asTuple()
                .map(t -> new Views.Alerts(id, form, errors, saved,
                        t.getItem1().stream().filter(Destination::isWebhook).toList(), t.getItem2()));
    }

    public Uni<Views.Exports> exports(long id) {
        return exportsWith(id, Views.ExportForm.DEFAULT, Map.of());
    }

    /** Starts an export; a rejected form comes back with its errors by field name. */
    public Uni<Views.Exports> startExport(long id, Views.ExportForm form) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        Long destination = SegmentPage.id(form.destinationId());
        if (destination == null) {
            body.put("destination_id", form.destinationId() == null ? "" : form.destinationId());
        } else {
            body.put("destination_id", destination);
        }
        body.put("format", form.format());
        body.put("mode", form.mode());
        Uni<?> started;
        try {
            started = exports.start(id, body);
        } catch (ProblemException e) {
            started = Uni.createFrom().failure(e);
        }
        return started.chain(() -> exportsWith(id, form, Map.of()))
                .onFailure(ProblemException.class).recoverWithUni(e -> exportsWith(id, form, errors((ProblemException) e, null, null)));
    }

    private Uni<Views.Exports> exportsWith(long id, Views.ExportForm form, Map<String, String> errors) {
        return Uni.combine().all().unis(destinations.page(0, 100), exports.pageForSegment(id, Long.MAX_VALUE, EXPORTS))
                .asTuple().map(t -> new Views.Exports(id, form, errors, t.getItem1(), t.getItem2()));
    }

    /** Field name → message from a problem's JSON pointers; {@code field}'s message is replaced by {@code message}. */
    private static Map<String, String> errors(ProblemException e, String field, String message) {
        Map<String, String> errors = new LinkedHashMap<>();
        List<FieldError> list = e.toProblem().errors() == null ? new ArrayList<>() : e.toProblem().errors();
        for (FieldError error : list) {
            String name = error.pointer() == null ? "" : error.pointer().replaceFirst("^/", "");
            errors.put(name, field != null && name.equals(field) ? message : error.message());
        }
        if (errors.isEmpty()) {
            errors.put("", e.getMessage());
        }
        return errors;
    }

    private static Rule parse(com.fasterxml.jackson.databind.JsonNode rules) {
        try {
            return RuleParser.parse(rules, "/rules");
        } catch (RuleException e) {
            throw new IllegalStateException("stored rule does not parse", e);
        }
    }
}
