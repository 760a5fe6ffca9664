package dev.segments.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Turns request bodies into validated attribute changes; every problem is reported with its pointer. */
public final class ChangeRequests {

    /** Events may be at most this far ahead of the server clock (clock skew), so none can block later ones. */
    private static final long MAX_FUTURE_SECONDS = 3600;
    private static final Set<String> EVENT_FIELDS = Set.of("user_id", "attributes", "occurred_at", "event_id");

    private ChangeRequests() {
    }

    /** The body of {@code PUT} or {@code PATCH /api/v1/users/{id}/attributes}. */
    public static AttributeChange single(long userId, JsonNode body, boolean replace) {
        List<FieldError> errors = new ArrayList<>();
        AttributeValidator.check(body, "", errors);
        failIfAny(errors);
        String eventId = (replace ? "put:" : "patch:") + UUID.randomUUID();
        return new AttributeChange(userId, (ObjectNode) body, micros(Instant.now()), replace, eventId);
    }

    /** The body of {@code POST /api/v1/events}: 1 to {@code max} attribute_changed events. */
    public static List<AttributeChange> events(JsonNode body, int max) {
        if (body == null || !body.isArray() || body.isEmpty() || body.size() > max) {
            throw ProblemException.badRequest("", "the body must be an array of 1 to " + max + " events");
        }
        List<FieldError> errors = new ArrayList<>();
        List<AttributeChange> changes = new ArrayList<>(body.size());
        long now = micros(Instant.now());
        for (int i = 0; i < body.size(); i++) {
            // an event without occurred_at counts as now; within one batch, later events count as later
            AttributeChange change = event(body.get(i), "/" + i, now - (body.size() - 1 - i), errors);
            if (change != null) {
                changes.add(change);
            }
        }
        failIfAny(errors);
        return changes;
    }

    /**
     * One item of {@code POST /api/v1/events} (also a Kafka message): its problems are added to
     * {@code errors} under {@code at}, and then it answers null. {@code now}: the time of an event
     * without {@code occurred_at}, and the reference for the one-hour future limit.
     */
    public static AttributeChange event(JsonNode event, String at, long now, List<FieldError> errors) {
        if (!event.isObject()) {
            errors.add(new FieldError(at, "an event must be an object with user_id, attributes and occurred_at"));
            return null;
        }
        int before = errors.size();
        event.fieldNames().forEachRemaining(field -> {
            if (!EVENT_FIELDS.contains(field)) {
                errors.add(new FieldError(at + "/" + AttributeValidator.escape(field), "unknown field"));
            }
        });
        long userId = userId(event.get("user_id"), at + "/user_id", errors);
        AttributeValidator.check(event.get("attributes"), at + "/attributes", errors);
        long occurredAt = occurredAt(event.get("occurred_at"), at + "/occurred_at", now, errors);
        String eventId = eventId(event.get("event_id"), at + "/event_id", errors);
        if (errors.size() > before) {
            return null;
        }
        return new AttributeChange(userId, (ObjectNode) event.get("attributes"), occurredAt, false,
                eventId == null ? "event:" + UUID.randomUUID() : eventId);
    }

    private static long userId(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1) {
            errors.add(new FieldError(at, "user_id must be a positive integer"));
            return 0;
        }
        return node.longValue();
    }

    private static long occurredAt(JsonNode node, String at, long now, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return now;
        }
        try {
            if (!node.isTextual()) {
                throw new DateTimeParseException("not a string", node.toString(), 0);
            }
            long time = micros(OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
            if (time > now + MAX_FUTURE_SECONDS * 1_000_000) {
                errors.add(new FieldError(at, "occurred_at is more than an hour in the future"));
            }
            return time;
        } catch (DateTimeParseException | ArithmeticException e) {
            errors.add(new FieldError(at, "occurred_at must be an ISO-8601 time with an offset, e.g. 2026-11-23T10:15:30Z"));
            return now;
        }
    }

    private static String eventId(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isEmpty() || node.textValue().length() > 200
                || node.textValue().indexOf('\0') >= 0) {
            errors.add(new FieldError(at, "event_id must be a string of 1 to 200 characters"));
            return null;
        }
        return node.textValue();
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static void failIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors.size() > 100 ? errors.subList(0, 100) : errors);
        }
    }
}
