package dev.segments.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.user.AttributeChange;
import dev.segments.user.AttributeValidator;
import dev.segments.user.ChangeRequests;
import dev.segments.user.UserIds;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads calls of the Segment Spec, as Segment's and RudderStack's webhook destinations send them: one
 * call, a JSON array of calls, or {@code {"batch": [calls]}}. An {@code identify} becomes an attribute
 * change: {@code userId} is the user, {@code traits} (or, when absent, {@code context.traits}, where
 * RudderStack's SDKs put them) are merged into the user's attributes, nested objects flattened to dotted
 * names ({@code {"address": {"city": "Paris"}}} sets {@code address.city}), {@code timestamp} is the
 * change's time and {@code messageId} its idempotency key. Other call types are read and ignored. Each
 * call is judged alone: a bad one is rejected with pointers, the others go on.
 */
public final class SegmentCalls {

    /** The call types of the Segment Spec. */
    public static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");

    private SegmentCalls() {
    }

    /** What to do with one call. */
    public enum Outcome {
        /** An identify to apply ({@link Call#change()}). */
        APPLY,
        /** Read and counted, nothing to change: another call type, or an identify without a user id. */
        IGNORE,
        /** Not a valid call ({@link Call#errors()}). */
        REJECT
    }

    /**
     * One call of a request: its index in the batch, its type (as sent, or null), what to do and why.
     * {@code ignoredAs} names what an ignored call is counted as: its type, or {@code anonymous}.
     */
    public record Call(int index, String type, Outcome outcome, AttributeChange change, String ignoredAs,
            List<FieldError> errors) {
    }

    /** How identify calls without a {@code userId} are taken. */
    public enum AnonymousIds {
        /** Counted as {@code anonymous} and ignored: segments are of known users. */
        IGNORE,
        /** The {@code anonymousId} is the user id. */
        USE
    }

    /**
     * The calls of a request body, at most {@code max}. A body that is not a call, an array of calls or
     * {@code {"batch": [...]}} is a 400; a bad call inside is only rejected.
     */
    public static List<Call> parse(JsonNode body, int max, AnonymousIds anonymous) {
        long now = ChangeRequests.micros(java.time.Instant.now());
        List<Call> calls = new ArrayList<>();
        if (body != null && body.isObject() && body.has("batch") && !body.has("type")) {
            JsonNode batch = body.get("batch");
            if (!batch.isArray()) {
                throw ProblemException.badRequest("/batch", "batch must be an array of calls");
            }
            checkSize(batch, "/batch", max);
            for (int i = 0; i < batch.size(); i++) {
                calls.add(call(batch.get(i), "/batch/" + i, i, now, anonymous));
            }
        } else if (body != null && body.isArray()) {
            checkSize(body, "", max);
            for (int i = 0; i < body.size(); i++) {
                calls.add(call(body.get(i), "/" + i, i, now, anonymous));
            }
        } else if (body != null && body.isObject()) {
            calls.add(call(body, "", 0, now, anonymous));
        } else {
            throw ProblemException.badRequest("", "the body must be a Segment call, an array of calls or {\"batch\": [calls]}");
        }
        return calls;
    }

    private static void checkSize(JsonNode calls, String pointer, int max) {
        if (calls.isEmpty() || calls.size() > max) {
            throw ProblemException.badRequest(pointer, "a batch holds 1 to " + max + " calls (it has " + calls.size() + ")");
        }
    }

    /**
     * One call at {@code pointer}; {@code now} is the time of an identify without {@code timestamp}
     * (a Kafka consumer passes the record's timestamp, so a replay sorts the same).
     */
    public static Call call(JsonNode call, String pointer, int index, long now, AnonymousIds anonymous) {
        if (call == null || !call.isObject()) {
            return rejected(index, null, pointer, "a call must be a JSON object with a \"type\"");
        }
        JsonNode typeNode = call.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return rejected(index, null, pointer + "/type", "type is required: one of " + String.join(", ", sorted(TYPES)));
        }
        String type = typeNode.textValue();
        if (!TYPES.contains(type)) {
            return rejected(index, type, pointer + "/type", "unknown call type \"" + abbreviate(type) + "\": expected one of "
                    + String.join(", ", sorted(TYPES)));
        }
        if (!type.equals("identify")) {
            return new Call(index, type, Outcome.IGNORE, null, type, List.of());
        }
        return identify(call, pointer, index, now, anonymous);
    }

    private static Call identify(JsonNode call, String pointer, int index, long now, AnonymousIds anonymous) {
        List<FieldError> errors = new ArrayList<>();
        String userField = present(call.get("userId")) ? "userId" : null;
        if (userField == null && present(call.get("anonymousId"))) {
            if (anonymous == AnonymousIds.IGNORE) {
                return new Call(index, "identify", Outcome.IGNORE, null, "anonymous", List.of());
            }
            userField = "anonymousId";
        }
        if (userField == null) {
            return rejected(index, "identify", pointer + "/userId", "an identify call needs a userId (or an anonymousId)");
        }
        String userId = UserIds.fromJson(call.get(userField), pointer + "/" + userField, errors);
        JsonNode traits = call.get("traits");
        String traitsAt = pointer + "/traits";
        if (traits == null || traits.isNull()) {
            JsonNode context = call.get("context");
            traits = context != null && context.isObject() ? context.get("traits") : null;
            traitsAt = pointer + "/context/traits";
        }
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        if (traits != null && !traits.isNull()) {
            if (!traits.isObject()) {
                errors.add(new FieldError(traitsAt, "traits must be a JSON object"));
            } else {
                int before = errors.size();
                AttributeValidator.check(traits, traitsAt, errors);
                if (errors.size() == before) {
                    flatten(traits, "", attributes, traitsAt, errors);
                }
            }
        }
        long occurredAt = ChangeRequests.occurredAt(call.get("timestamp"), pointer + "/timestamp", "timestamp", now, errors);
        JsonNode messageId = call.get("messageId");
        String eventId = null;
        if (present(messageId)) {
            if (!messageId.isTextual() || messageId.textValue().length() > 200 || messageId.textValue().indexOf('\0') >= 0) {
                errors.add(new FieldError(pointer + "/messageId", "messageId must be a string of 1 to 200 characters"));
            } else {
                eventId = messageId.textValue();
            }
        }
        if (!errors.isEmpty()) {
            return new Call(index, "identify", Outcome.REJECT, null, null, List.copyOf(errors));
        }
        AttributeChange change = new AttributeChange(userId, attributes, occurredAt, false,
                eventId == null ? "segment:" + UUID.randomUUID() : eventId, eventId != null);
        return new Call(index, "identify", Outcome.APPLY, change, null, List.of());
    }

    /**
     * Copies checked {@code traits} into {@code into}, nested objects as dotted names, arrays and scalars as
     * they are; a dotted name longer than an attribute name may be is an error at the trait.
     */
    private static void flatten(JsonNode traits, String prefix, ObjectNode into, String at, List<FieldError> errors) {
        for (Iterator<Map.Entry<String, JsonNode>> it = traits.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            String fieldAt = at + "/" + AttributeValidator.escape(field.getKey());
            if (value.isObject() && !value.isEmpty()) {
                flatten(value, name + ".", into, fieldAt, errors);
            } else if (name.codePointCount(0, name.length()) > AttributeValidator.MAX_NAME_LENGTH) {
                errors.add(new FieldError(fieldAt, "the flattened trait name \"" + abbreviate(name) + "\" has more than "
                        + AttributeValidator.MAX_NAME_LENGTH + " characters"));
            } else {
                into.set(name, value);
            }
        }
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !(node.isTextual() && node.textValue().isEmpty());
    }

    private static Call rejected(int index, String type, String pointer, String message) {
        return new Call(index, type, Outcome.REJECT, null, null, List.of(new FieldError(pointer, message)));
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
