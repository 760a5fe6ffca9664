package dev.segments.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.kafka.KafkaMessages.Change;
import dev.segments.kafka.KafkaMessages.Ignored;
import dev.segments.kafka.KafkaMessages.Rejected;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A Kafka message to an attribute change, or to its problem: both shapes, event ids and times. */
class KafkaMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMESTAMP = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

    private static KafkaMessages.Parsed parse(String value) {
        return KafkaMessages.parse(new KafkaDelivery("events", 3, 42, "7", value.getBytes(StandardCharsets.UTF_8), TIMESTAMP), JSON);
    }

    @Test
    void shouldGiveAnEventWithoutIdOrTimeTheRecordsPositionAndTimestamp() {
        Change change = assertInstanceOf(Change.class, parse("{\"user_id\": 7, \"attributes\": {\"plan\": \"pro\"}}"));
        assertEquals("kafka:events:3:42", change.change().eventId());
        assertEquals(TIMESTAMP * 1000, change.change().occurredAtMicros());
        assertEquals("pro", change.change().attributes().get("plan").textValue());
    }

    @Test
    void shouldKeepTheMessagesOwnEventIdAndTime() {
        Change change = assertInstanceOf(Change.class, parse(
                "{\"user_id\": 7, \"attributes\": {}, \"event_id\": \"e-1\", \"occurred_at\": \"2026-11-30T00:00:00Z\"}"));
        assertEquals("e-1", change.change().eventId());
        assertEquals(Instant.parse("2026-11-30T00:00:00Z").toEpochMilli() * 1000, change.change().occurredAtMicros());
    }

    @Test
    void shouldReadASegmentIdentifyCall() {
        Change change = assertInstanceOf(Change.class, parse("{\"type\": \"identify\", \"userId\": 7, \"messageId\": \"m-9\","
                + " \"timestamp\": \"2026-11-30T00:00:00.250Z\", \"traits\": {\"email_domain\": \"x.org\"}}"));
        assertEquals("m-9", change.change().eventId());
        assertEquals("x.org", change.change().attributes().get("email_domain").textValue());
        assertEquals(Instant.parse("2026-11-30T00:00:00.250Z").toEpochMilli() * 1000, change.change().occurredAtMicros());
    }

    @Test
    void shouldIgnoreOtherSegmentCalls() {
        assertInstanceOf(Ignored.class, parse("{\"type\": \"track\", \"userId\": \"7\", \"event\": \"Clicked\"}"));
    }

    @Test
    void shouldRejectBadMessagesWithTheirProblem() {
        Rejected json = assertInstanceOf(Rejected.class, parse("{\"user_id\": 7, "));
        assertEquals(400, json.problem().status());
        assertTrue(json.problem().detail().startsWith("Malformed JSON"), json.problem().detail());
        Rejected user = assertInstanceOf(Rejected.class, parse("{\"user_id\": \"\", \"attributes\": {}}"));
        assertEquals("/user_id", user.problem().errors().get(0).pointer());
        Rejected attributes = assertInstanceOf(Rejected.class, parse("{\"user_id\": 7, \"attributes\": \"x\"}"));
        assertEquals("/attributes", attributes.problem().errors().get(0).pointer());
        assertInstanceOf(Rejected.class, parse("[1]"));
        assertInstanceOf(Rejected.class, parse(""));
    }

    @Test
    void shouldReadSegmentCallsAsTheSegmentSourceDoesWithStringIdsAndKeys() {
        Change change = assertInstanceOf(Change.class, parse("{\"type\": \"identify\", \"userId\": \"user_8f3a\","
                + " \"context\": {\"traits\": {\"address\": {\"city\": \"Oslo\"}}}}"));
        assertEquals("user_8f3a", change.change().userId());
        assertEquals("Oslo", change.change().attributes().get("address.city").textValue());
        assertEquals("kafka:events:3:42", change.change().eventId(), "no messageId: the record's position");
        assertTrue(change.change().idempotent());
        assertEquals(TIMESTAMP * 1000, change.change().occurredAtMicros(), "no timestamp: the record's");
        assertInstanceOf(Ignored.class, parse("{\"type\": \"identify\", \"anonymousId\": \"a-1\", \"traits\": {}}"));
        Rejected unknown = assertInstanceOf(Rejected.class, parse("{\"type\": \"signup\", \"userId\": \"u\"}"));
        assertEquals("/type", unknown.problem().errors().get(0).pointer());
        Change event = assertInstanceOf(Change.class, parse("{\"user_id\": \"u-1\", \"attributes\": {}}"));
        assertTrue(event.change().idempotent());
        assertEquals("u-1", event.change().userId());
    }
}
