package dev.segments.kafka;

import static dev.segments.testing.Api.createSegmentAndWait;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.KafkaBroker;
import dev.segments.testing.KafkaResource;
import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Kafka intake against a real broker (in-process KRaft, {@link KafkaBroker}) and PostgreSQL: per-key
 * ordering over 4 partitions, the dead-letter path, and a replay of the whole topic that changes nothing.
 * Its own profile, so no other test starts a broker or waits for one.
 */
@QuarkusTest
@TestProfile(KafkaIntakeTest.WithKafka.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaIntakeTest {

    static final String TOPIC = "kafka-test.attribute-events";
    static final String DEAD_LETTERS = TOPIC + ".dead-letter";
    static final int PARTITIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_USER = 7_001;
    private static final int USERS = 40;
    private static final int ROUNDS = 30;
    private static final long BASE_TIME = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static KafkaProducer<String, String> producer;

    /** Kafka on, a small batch so a poll is applied in several intake calls. */
    public static class WithKafka implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("segments.kafka.topic", TOPIC, "segments.kafka.max-batch-size", "100",
                    "segments.kafka.lag-every", "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaResource.class,
                    Map.of(KafkaResource.TOPIC, TOPIC, KafkaResource.PARTITIONS, Integer.toString(PARTITIONS))));
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    KafkaClientService kafka;

    @AfterAll
    static void closeProducer() {
        if (producer != null) {
            producer.close();
        }
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(new HashMap<>(KafkaBroker.clientConfig()), new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    private static RecordMetadata send(Integer partition, long timestamp, String key, String value) throws Exception {
        return producer().send(new ProducerRecord<>(TOPIC, partition, timestamp, key, value)).get();
    }

    @Test
    @Order(1)
    void shouldEndWithEachUsersLastEventWhenManyUsersShareFourPartitions() throws Exception {
        long segment = createSegmentAndWait("kafka level", "{\"attribute\": \"kq_level\", \"op\": \"gte\", \"value\": 50}");
        Random random = new Random(14);
        Map<Long, Integer> last = new TreeMap<>();
        Set<Integer> partitions = new HashSet<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (long user = FIRST_USER; user < FIRST_USER + USERS; user++) {
                int level = random.nextInt(100);
                long time = BASE_TIME + round * 1000L;
                // odd rounds name their time, even rounds take the record's timestamp
                String occurred = round % 2 == 1 ? ", \"occurred_at\": \"" + Instant.ofEpochMilli(time) + "\"" : "";
                String value = "{\"user_id\": " + user + ", \"attributes\": {\"kq_level\": " + level + ", \"kq_round\": "
                        + round + "}" + occurred + "}";
                sent.add(producer().send(new ProducerRecord<>(TOPIC, null, time, Long.toString(user), value)));
                last.put(user, level);
            }
        }
        for (Future<RecordMetadata> record : sent) {
            partitions.add(record.get().partition());
        }
        assertEquals(PARTITIONS, partitions.size(), "the users' keys spread over every partition");
        await().atMost(Duration.ofSeconds(60)).until(() -> Sql.count(dataSource, "SELECT count(*) FROM user_attribute_snapshot "
                + "WHERE user_id BETWEEN " + FIRST_USER + " AND " + (FIRST_USER + USERS - 1)
                + " AND (attributes->>'kq_round')::int = " + (ROUNDS - 1)) == USERS);
        for (Map.Entry<Long, Integer> expected : last.entrySet()) {
            JsonNode user = JSON.readTree(RestAssured.get("/api/v1/users/" + expected.getKey()).then().statusCode(200)
                    .extract().asString());
            assertEquals(expected.getValue(), user.get("attributes").get("kq_level").asInt(), "user " + expected.getKey());
        }
        long members = last.values().stream().filter(level -> level >= 50).count();
        assertEquals(members, Sql.count(dataSource, "SELECT count(*) FROM segment_membership WHERE removed_at IS NULL "
                + "AND segment_id = " + segment));
    }

    @Test
    @Order(2)
    void shouldDeadLetterBadMessagesWithTheirProblemAndApplyTheGoodOnesAroundThem() throws Exception {
        String[] values = {
            "{\"user_id\": 7101, \"attributes\": {\"kq_dlq\": 1}}",
            "{\"user_id\": 7102, \"attributes\": ",
            "{\"user_id\": 7103, \"attributes\": {\"kq_dlq\": 3}}",
            "{\"user_id\": \"\", \"attributes\": {\"kq_dlq\": 4}}",
            "{\"user_id\": 7105, \"attributes\": {\"kq_dlq\": 5}}",
            "{\"user_id\": 7106, \"attributes\": \"not an object\"}",
            "{\"type\": \"identify\", \"userId\": 7107, \"messageId\": \"kq-m-7\", \"traits\": {\"kq_dlq\": 7}}",
            "{\"type\": \"track\", \"userId\": 7108, \"event\": \"ignored\"}",
        };
        long[] offsets = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            offsets[i] = send(0, System.currentTimeMillis(), "dlq", values[i]).offset();
        }
        for (long user : new long[] {7101, 7103, 7105, 7107}) {
            await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/api/v1/users/" + user).statusCode() == 200);
            assertEquals(user - 7100, RestAssured.get("/api/v1/users/" + user).jsonPath().getInt("attributes.kq_dlq"));
        }
        RestAssured.get("/api/v1/users/7108").then().statusCode(404);

        List<ConsumerRecord<String, byte[]>> dead = readDeadLetters(3);
        Map<Long, String> expectedPointers = Map.of(offsets[1], "", offsets[3], "/user_id", offsets[5], "/attributes");
        for (ConsumerRecord<String, byte[]> record : dead) {
            long offset = Long.parseLong(header(record, DeadLetters.OFFSET));
            assertTrue(expectedPointers.containsKey(offset), "unexpected dead letter at offset " + offset);
            int index = List.of(offsets[1], offsets[3], offsets[5]).indexOf(offset) * 2 + 1;
            assertArrayEquals(values[index].getBytes(StandardCharsets.UTF_8), record.value(), "the original bytes");
            assertEquals("dlq", record.key());
            assertEquals(TOPIC, header(record, DeadLetters.TOPIC));
            assertEquals("0", header(record, DeadLetters.PARTITION));
            JsonNode problem = JSON.readTree(header(record, DeadLetters.PROBLEM));
            assertEquals(400, problem.get("status").asInt());
            if (!expectedPointers.get(offset).isEmpty()) {
                assertEquals(expectedPointers.get(offset), problem.get("errors").get(0).get("pointer").asText(), problem.toString());
            }
        }
    }

    @Test
    @Order(3)
    void shouldChangeNothingWhenTheWholeTopicIsDeliveredAgain() throws Exception {
        // users of the earlier tests; the markers below (7190-7193) are new users and left out
        String users = "user_id BETWEEN 7000 AND 7189";
        String fingerprint = "SELECT coalesce(sum(hashtext(user_id::text || attributes::text || attribute_times::text)::bigint), 0) "
                + "FROM user_attribute_snapshot WHERE " + users;
        long history = Sql.count(dataSource, "SELECT count(*) FROM membership_event WHERE " + users);
        long snapshots = Sql.count(dataSource, fingerprint);
        assertTrue(history > 0, "the earlier tests joined users to segments");

        Function<Consumer<String, byte[]>, Integer> rewind = consumer -> {
            consumer.seekToBeginning(consumer.assignment());
            return consumer.assignment().size();
        };
        int rewound = kafka.<String, byte[]>getConsumer(KafkaSwitch.CHANNEL).runOnPollingThread(rewind)
                .await().atMost(Duration.ofSeconds(30));
        assertEquals(PARTITIONS, rewound, "every partition is read again from its first record");
        // one marker per partition after everything: once all are applied, every partition was replayed
        for (int partition = 0; partition < PARTITIONS; partition++) {
            send(partition, System.currentTimeMillis(), "marker",
                    "{\"user_id\": " + (7190 + partition) + ", \"attributes\": {\"kq_marker\": true}}");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Sql.count(dataSource,
                "SELECT count(*) FROM user_attribute_snapshot WHERE user_id BETWEEN 7190 AND 7193") == PARTITIONS);

        assertEquals(history, Sql.count(dataSource, "SELECT count(*) FROM membership_event WHERE " + users),
                "no join or leave was written again");
        assertEquals(snapshots, Sql.count(dataSource, fingerprint), "every snapshot (values and times) is unchanged");
        readDeadLetters(6); // the replay went through partition 0: its 3 bad messages are dead-lettered again
    }

    @Test
    @Order(4)
    void shouldShowEachPartitionsLagOnTheJobsPageAndAsAMetric() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String page = RestAssured.get("/jobs").then().statusCode(200).extract().asString();
            assertTrue(page.contains("Kafka intake") && page.contains("data-partition=\"3\""), page);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("segments_kafka_consumer_lag{partition=\"0\",topic=\"" + TOPIC + "\"} 0.0")
                    || metrics.contains("segments_kafka_consumer_lag{partition=\"0\",topic=\"" + TOPIC + "\",} 0.0"),
                    "lag of partition 0 is 0 once everything is applied");
        });
    }

    private static List<ConsumerRecord<String, byte[]>> readDeadLetters(int count) {
        Map<String, Object> config = new HashMap<>(KafkaBroker.clientConfig());
        config.put("group.id", "kafka-test-dlq-reader-" + System.nanoTime());
        config.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DEAD_LETTERS));
            long deadline = System.currentTimeMillis() + 60_000;
            while (records.size() < count && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        assertEquals(count, records.size(), "dead letters");
        return records;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
