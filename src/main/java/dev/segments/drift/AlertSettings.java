package dev.segments.drift;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A segment's drift alert thresholds. Every segment has them from its creation, with the defaults
 * below (the column defaults of {@code segment_alert_settings}); a {@code null} threshold is off.
 *
 * @param relativeChange   relative change of the member count between consecutive computes that trips
 *                         an alert (0.5 = ±50%)
 * @param minPreviousCount the relative check applies only from this previous member count on
 * @param onZero           alert when a compute finds no member after one that found some
 * @param staleAfterHours  alert when no compute completed for this many hours
 * @param destinationId    where tripped alerts are sent (a webhook destination), or none
 */
public record AlertSettings(long segmentId, BigDecimal relativeChange, long minPreviousCount, boolean onZero,
        Integer staleAfterHours, Long destinationId, Instant updatedAt) {

    public static final BigDecimal DEFAULT_RELATIVE_CHANGE = new BigDecimal("0.5");
    public static final long DEFAULT_MIN_PREVIOUS_COUNT = 100;
    public static final int DEFAULT_STALE_AFTER_HOURS = 48;
    private static final Set<String> FIELDS = Set.of("relative_change", "min_previous_count", "on_zero",
            "stale_after_hours", "destination_id");

    /**
     * Reads a PUT body: every field is optional, an absent one takes its default, an explicit
     * {@code null} turns that check off (or, for {@code destination_id}, sends nowhere).
     */
    public static AlertSettings fromRequest(long segmentId, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("", "the body must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError("/" + name, "unknown field; known: " + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        }
        BigDecimal relative = body.has("relative_change") ? ratio(body.get("relative_change"), errors) : DEFAULT_RELATIVE_CHANGE;
        Long minPrevious = body.has("min_previous_count")
                ? integer(body.get("min_previous_count"), "min_previous_count", 0, 1_000_000_000_000L, false, errors)
                : Long.valueOf(DEFAULT_MIN_PREVIOUS_COUNT);
        boolean onZero = true;
        if (body.has("on_zero")) {
            if (body.get("on_zero").isBoolean()) {
                onZero = body.get("on_zero").booleanValue();
            } else {
                errors.add(new FieldError("/on_zero", "on_zero must be true or false"));
            }
        }
        Long stale = body.has("stale_after_hours")
                ? integer(body.get("stale_after_hours"), "stale_after_hours", 1, 8760, true, errors)
                : Long.valueOf(DEFAULT_STALE_AFTER_HOURS);
        Long destination = body.has("destination_id")
                ? integer(body.get("destination_id"), "destination_id", 1, Long.MAX_VALUE, true, errors) : null;
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        return new AlertSettings(segmentId, relative, minPrevious == null ? 0 : minPrevious, onZero,
                stale == null ? null : stale.intValue(), destination, null);
    }

    private static BigDecimal ratio(JsonNode node, List<FieldError> errors) {
        if (node.isNull()) {
            return null;
        }
        if (!node.isNumber() || node.decimalValue().signum() <= 0 || node.decimalValue().compareTo(BigDecimal.valueOf(100)) > 0
                || node.decimalValue().scale() > 4) {
            errors.add(new FieldError("/relative_change",
                    "relative_change must be a number above 0 and at most 100 (0.5 = ±50%), with at most 4 decimals, or null for off"));
            return null;
        }
        return node.decimalValue();
    }

    private static Long integer(JsonNode node, String name, long min, long max, boolean nullable, List<FieldError> errors) {
        if (node.isNull() && nullable) {
            return null;
        }
        if (!node.canConvertToExactIntegral() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            errors.add(new FieldError("/" + name, name + " must be an integer from " + min + " to " + max
                    + (nullable ? ", or null for off" : "")));
            return null;
        }
        return node.longValue();
    }
}
