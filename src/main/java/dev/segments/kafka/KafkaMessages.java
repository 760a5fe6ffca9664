package dev.segments.kafka;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.problem.Problem;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.user.AttributeChange;
import dev.segments.user.ChangeRequests;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where a Kafka message becomes an {@link AttributeChange}, or the problem that keeps it
 * from becoming one. A message is either an item of {@code POST /api/v1/events} or, when it has a
 * {@code "type"} field, a Segment call ({@link #segmentCall}). Every change gets an event id: the
 * message's own ({@code event_id}, Segment's {@code messageId}) or else its position in the topic, and
 * an event without a time takes the record's timestamp rather than "now": a replayed record is then the
 * very same change, which the intake's ordering and event-id dedupe turn into a no-op.
 */
public final class KafkaMessages {

    /** What one message is for the intake. */
    public sealed interface Parsed permits Change, Rejected, Ignored {
        KafkaDelivery delivery();
    }

    /** A change to apply. */
    public record Change(KafkaDelivery delivery, AttributeChange change) implements Parsed {
    }

    /** A message that cannot be applied: it goes to the dead-letter topic with this problem. */
    public record Rejected(KafkaDelivery delivery, Problem problem) implements Parsed {
    }

    /** A well-formed message with nothing to apply (a Segment call other than {@code identify}). */
    public record Ignored(KafkaDelivery delivery) implements Parsed {
    }

    private KafkaMessages() {
    }

    public static Parsed parse(KafkaDelivery delivery, ObjectMapper json) {
        if (delivery.value() == null || delivery.value().length == 0) {
            return reject(delivery, ProblemException.badRequest("", "the message is empty"));
        }
        JsonNode body;
        try {
            body = json.readTree(delivery.value());
        } catch (JacksonException e) {
            return reject(delivery, ProblemException.badRequest("", "Malformed JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return reject(delivery, ProblemException.badRequest("", "Unreadable message: " + e.getMessage()));
        }
        if (body == null || !body.isObject()) {
            return reject(delivery, ProblemException.badRequest("", "a message must be a JSON object"));
        }
        if (body.has("type")) {
            return segmentCall((ObjectNode) body, delivery);
        }
        return event(body, delivery);
    }

    /**
     * A Segment Spec call. Only {@code identify} changes anything: {@code userId} is the user,
     * {@code traits} the attributes (merged), {@code timestamp} the time, {@code messageId} the event id;
     * other types are ignored, as {@code POST /api/v1/sources/segment} does. Minimal on purpose: the
     * shared Segment parser replaces this body.
     */
    static Parsed segmentCall(ObjectNode call, KafkaDelivery delivery) {
        JsonNode type = call.get("type");
        if (!type.isTextual()) {
            return reject(delivery, ProblemException.badRequest("/type", "type must be a string"));
        }
        if (!"identify".equals(type.textValue())) {
            return new Ignored(delivery);
        }
        ObjectNode event = call.objectNode();
        putIfPresent(event, "user_id", call.get("userId"));
        event.set("attributes", call.has("traits") ? call.get("traits") : call.objectNode());
        putIfPresent(event, "occurred_at", call.get("timestamp"));
        putIfPresent(event, "event_id", call.get("messageId"));
        return event(event, delivery);
    }

    private static Parsed event(JsonNode item, KafkaDelivery delivery) {
        List<FieldError> errors = new ArrayList<>();
        AttributeChange change = ChangeRequests.event(item, "", recordTime(delivery), errors);
        if (change == null) {
            return reject(delivery, ProblemException.badRequest(errors));
        }
        // MERGE NOTE: with AttributeChange's String userId and its last component `idempotent`, every
        // Kafka change is idempotent (true): its event id is the message's own or its topic position
        JsonNode eventId = item.get("event_id");
        if (eventId == null || eventId.isNull()) {
            change = new AttributeChange(change.userId(), change.attributes(), change.occurredAtMicros(),
                    change.replace(), delivery.positionId());
        }
        return new Change(delivery, change);
    }

    private static long recordTime(KafkaDelivery delivery) {
        Instant time = delivery.timestampMillis() >= 0 ? Instant.ofEpochMilli(delivery.timestampMillis()) : Instant.now();
        return ChronoUnit.MICROS.between(Instant.EPOCH, time);
    }

    private static void putIfPresent(ObjectNode target, String field, JsonNode value) {
        if (value != null && !value.isNull()) {
            target.set(field, value);
        }
    }

    private static Rejected reject(KafkaDelivery delivery, ProblemException problem) {
        return new Rejected(delivery, problem.toProblem());
    }
}
