package dev.segments.web.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.drift.AlertSettings;
import java.math.BigDecimal;

/**
 * The alert thresholds form as typed (text fields), with the relative change in percent; turns into
 * the JSON body {@link AlertSettings#fromRequest} validates, so the page and the API share one check.
 * An empty field turns its check off (relative change, stale after) or sends nowhere (destination).
 */
public record AlertForm(String relativePercent, String minPreviousCount, boolean onZero, String staleAfterHours,
        String destinationId) {

    static final String PERCENT_MESSAGE = "enter a percentage above 0 and at most 10000, with at most 2 decimals, or leave it empty for off";

    public static AlertForm of(AlertSettings settings) {
        return new AlertForm(settings.relativeChange() == null ? ""
                : settings.relativeChange().movePointRight(2).stripTrailingZeros().toPlainString(),
                String.valueOf(settings.minPreviousCount()), settings.onZero(),
                settings.staleAfterHours() == null ? "" : String.valueOf(settings.staleAfterHours()),
                settings.destinationId() == null ? "" : String.valueOf(settings.destinationId()));
    }

    /** The API body; a field that is not a number travels as text, so that validation names it. */
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String percent = trim(relativePercent);
        if (percent.isEmpty()) {
            body.putNull("relative_change");
        } else {
            try {
                body.put("relative_change", new BigDecimal(percent).movePointLeft(2));
            } catch (NumberFormatException e) {
                body.put("relative_change", percent);
            }
        }
        integer(body, "min_previous_count", minPreviousCount, false);
        body.put("on_zero", onZero);
        integer(body, "stale_after_hours", staleAfterHours, true);
        integer(body, "destination_id", destinationId, true);
        return body;
    }

    private static void integer(ObjectNode body, String name, String raw, boolean emptyIsNull) {
        String text = trim(raw);
        if (text.isEmpty() && emptyIsNull) {
            body.putNull(name);
            return;
        }
        try {
            body.put(name, Long.parseLong(text));
        } catch (NumberFormatException e) {
            body.put(name, text);
        }
    }

    private static String trim(String raw) {
        return raw == null ? "" : raw.strip();
    }
}
