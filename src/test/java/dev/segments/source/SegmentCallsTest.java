package dev.segments.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.source.SegmentCalls.AnonymousIds;
import dev.segments.source.SegmentCalls.Call;
import dev.segments.source.SegmentCalls.Outcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentCallsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Call> parse(String body, AnonymousIds anonymous) throws Exception {
        return SegmentCalls.parse(JSON.readTree(body), 100, anonymous);
    }

    private static Call one(String call) throws Exception {
        List<Call> calls = parse(call, AnonymousIds.IGNORE);
        assertEquals(1, calls.size());
        return calls.get(0);
    }

    @Test
    void shouldTurnAnIdentifyIntoAnIdempotentChangeAtItsTimestamp() throws Exception {
        Call call = one("""
                {"type": "identify", "userId": "user_8f3a", "messageId": "m-1",
                 "timestamp": "2026-11-30T10:15:30.123Z", "traits": {"plan": "pro", "ltv": 120.5, "email": null}}""");
        assertEquals(Outcome.APPLY, call.outcome());
        assertEquals("user_8f3a", call.change().userId());
        assertEquals(JSON.readTree("{\"plan\": \"pro\", \"ltv\": 120.5, \"email\": null}"), call.change().attributes());
        assertEquals(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2026-11-30T10:15:30.123Z")),
                call.change().occurredAtMicros());
        assertEquals("m-1", call.change().eventId());
        assertTrue(call.change().idempotent());
        assertFalse(call.change().replace());
    }

    @Test
    void shouldFlattenNestedTraitsToDottedNamesAndKeepArrays() throws Exception {
        Call call = one("""
                {"type": "identify", "userId": 42, "traits": {"address": {"city": "Paris", "geo": {"lat": 48.8}},
                 "tags": ["a", {"b": 1}], "empty": {}, "gone": {"x": null}}}""");
        assertEquals("42", call.change().userId());
        assertEquals(JSON.readTree("""
                {"address.city": "Paris", "address.geo.lat": 48.8, "tags": ["a", {"b": 1}], "empty": {}, "gone.x": null}"""),
                call.change().attributes());
    }

    @Test
    void shouldReadContextTraitsWhenThereAreNoTopLevelTraits() throws Exception {
        Call call = one("""
                {"type": "identify", "userId": "u1", "context": {"traits": {"country": "FR"}, "ip": "1.2.3.4"}}""");
        assertEquals(JSON.readTree("{\"country\": \"FR\"}"), call.change().attributes());
        Call both = one("""
                {"type": "identify", "userId": "u1", "traits": {"a": 1}, "context": {"traits": {"country": "FR"}}}""");
        assertEquals(JSON.readTree("{\"a\": 1}"), both.change().attributes());
    }

    @Test
    void shouldIgnoreOtherCallTypesAndCountThemByType() throws Exception {
        List<Call> calls = parse("""
                {"batch": [{"type": "track", "userId": "u1", "event": "Signed Up"}, {"type": "page"}, {"type": "screen"},
                           {"type": "group", "groupId": "g"}, {"type": "alias", "previousId": "a", "userId": "b"}]}""",
                AnonymousIds.IGNORE);
        assertEquals(List.of("track", "page", "screen", "group", "alias"), calls.stream().map(Call::ignoredAs).toList());
        assertTrue(calls.stream().allMatch(c -> c.outcome() == Outcome.IGNORE));
    }

    @Test
    void shouldIgnoreAnonymousIdentifiesUnlessTheyAreTakenAsUsers() throws Exception {
        String call = "{\"type\": \"identify\", \"anonymousId\": \"anon-7\", \"traits\": {\"a\": 1}}";
        Call ignored = parse(call, AnonymousIds.IGNORE).get(0);
        assertEquals(Outcome.IGNORE, ignored.outcome());
        assertEquals("anonymous", ignored.ignoredAs());
        Call used = parse(call, AnonymousIds.USE).get(0);
        assertEquals(Outcome.APPLY, used.outcome());
        assertEquals("anon-7", used.change().userId());
        Call known = parse("{\"type\": \"identify\", \"userId\": \"u\", \"anonymousId\": \"anon-7\"}", AnonymousIds.USE).get(0);
        assertEquals("u", known.change().userId());
    }

    @Test
    void shouldRejectBadCallsWithPointersIntoTheBatch() throws Exception {
        List<Call> calls = parse("""
                [{"type": "identify", "userId": "ok", "traits": {"a": 1}},
                 {"type": "identify", "userId": "u", "traits": [1]},
                 {"type": "identify", "traits": {"a": 1}},
                 {"type": "identify", "userId": "u", "timestamp": "yesterday"},
                 {"type": "identify", "userId": "u", "traits": {"deep": {"n": 1e400}}},
                 {"type": "identify", "userId": "a\\u0001b"},
                 {"type": "launch"},
                 {"userId": "u"},
                 "identify"]""", AnonymousIds.IGNORE);
        assertEquals(Outcome.APPLY, calls.get(0).outcome());
        assertEquals(List.of("/1/traits", "/2/userId", "/3/timestamp", "/4/traits/deep/n", "/5/userId", "/6/type", "/7/type", "/8"),
                calls.subList(1, 9).stream().map(c -> {
                    assertEquals(Outcome.REJECT, c.outcome());
                    return c.errors().get(0).pointer();
                }).toList());
    }

    @Test
    void shouldPointIntoTheBatchArrayOfTheBatchShape() throws Exception {
        List<Call> calls = parse("{\"batch\": [{\"type\": \"identify\", \"userId\": \"\"}]}", AnonymousIds.IGNORE);
        List<FieldError> errors = calls.get(0).errors();
        assertEquals("/batch/0/userId", errors.get(0).pointer());
    }

    @Test
    void shouldRefuseABodyThatHoldsNoCalls() {
        for (String body : List.of("17", "\"identify\"", "{\"batch\": {}}", "{\"batch\": []}", "[]")) {
            assertThrows(ProblemException.class, () -> parse(body, AnonymousIds.IGNORE), body);
        }
        JsonNode tooMany = JSON.createArrayNode();
        for (int i = 0; i < 101; i++) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) tooMany).addObject().put("type", "track");
        }
        assertThrows(ProblemException.class, () -> SegmentCalls.parse(tooMany, 100, AnonymousIds.IGNORE));
    }

    @Test
    void shouldGiveACallWithoutTimestampTheTimeItIsGiven() throws Exception {
        Call call = SegmentCalls.call(JSON.readTree("{\"type\": \"identify\", \"userId\": \"u\"}"), "", 0, 1234L,
                AnonymousIds.IGNORE);
        assertEquals(1234L, call.change().occurredAtMicros());
        assertFalse(call.change().idempotent(), "no messageId: no idempotency key");
    }
}
