package dev.segments.kafka;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.problem.Problem;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.source.SegmentCalls;
import dev.segments.source.SegmentCalls.AnonymousIds;
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

    /** A message; Segment {@code identify} calls with only an {@code anonymousId} are ignored. */
    public static Parsed parse(KafkaDelivery delivery, ObjectMapper json) {
        return parse(delivery, json, AnonymousIds.IGNORE);
    }

    /** A message; {@code anonymous}: how Segment {@code identify} calls with only an {@code anonymousId} are taken. */
    public static Parsed parse(KafkaDelivery delivery, ObjectMapper json, AnonymousIds anonymous) {
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
            return segmentCall(body, delivery, anonymous);
        }
        return event(body, delivery);
    }

    /**
     * A Segment Spec call, read as {@code POST /api/v1/sources/segment} reads one ({@link SegmentCalls}):
     * only {@code identify} changes anything, other types (and anonymous identifies, unless taken as users)
     * are ignored; a call without a {@code timestamp} takes the record's.
     */
    static Parsed segmentCall(JsonNode call, KafkaDelivery delivery, AnonymousIds anonymous) {
        SegmentCalls.Call read = SegmentCalls.call(call, "", 0, recordTime(delivery), anonymous);
        return switch (read.outcome()) {
            case APPLY -> new Change(delivery, keyed(read.change(), delivery));
            case IGNORE -> new Ignored(delivery);
            case REJECT -> reject(delivery, ProblemException.badRequest(read.errors()));
        };
    }

    private static Parsed event(JsonNode item, KafkaDelivery delivery) {
        List<FieldError> errors = new ArrayList<>();
        AttributeChange change = ChangeRequests.event(item, "", recordTime(delivery), errors);
        if (change == null) {
            return reject(delivery, ProblemException.badRequest(errors));
        }
        return new Change(delivery, keyed(change, delivery));
    }

    /** The change with an idempotency key: its own, or else the record's position in the topic. */
    private static AttributeChange keyed(AttributeChange change, KafkaDelivery delivery) {
        return change.idempotent() ? change : new AttributeChange(change.userId(), change.attributes(),
                change.occurredAtMicros(), change.replace(), delivery.positionId(), true);
    }

    private static long recordTime(KafkaDelivery delivery) {
        Instant time = delivery.timestampMillis() >= 0 ? Instant.ofEpochMilli(delivery.timestampMillis()) : Instant.now();
        return ChronoUnit.MICROS.between(Instant.EPOCH, time);
    }

    private static Rejected reject(KafkaDelivery delivery, ProblemException problem) {
        return new Rejected(delivery, problem.toProblem());
    }
}
