package dev.segments.web.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.drift.AlertService;
import dev.segments.drift.AlertSettings;
import dev.segments.export.Destination;
import dev.segments.export.DestinationService;
import dev.segments.export.ExportService;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two forms of the segment page, alert thresholds and exports: what they show, and saving them
 * through the services, a rejected form coming back with the problem's errors by field name.
 */
@ApplicationScoped
public class SegmentForms {

    static final int EXPORTS = 10;

    private final AlertService alerts;
    private final DestinationService destinations;
    private final ExportService exports;

    public SegmentForms(AlertService alerts, DestinationService destinations, ExportService exports) {
        this.alerts = alerts;
        this.destinations = destinations;
        this.exports = exports;
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
}
