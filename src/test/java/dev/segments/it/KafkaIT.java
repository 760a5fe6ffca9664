package dev.segments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.testing.KafkaBroker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two packaged app instances consume one topic (6 partitions) through one consumer group, from a real
 * Kafka broker running in this JVM. They split the partitions (both apply records); then one is killed
 * with SIGKILL while it applies a backlog and started again. Afterwards every user's snapshot equals a
 * serial replay of all events (values and per-attribute times), no join or leave was written twice, the
 * memberships equal a from-scratch evaluation in hand-written SQL, and a full recompute changes nothing.
 * Last, PostgreSQL is stopped for 4 s under a further backlog: the same processes wait it out, and
 * nothing is dead-lettered.
 */
class KafkaIT {

    private static final FaultFigures FIGURES = FaultFigures.of("kafka");
    private static final String TOPIC = "it.attribute-events";
    private static final String GROUP = "segments-it";
    private static final int PARTITIONS = 6;
    private static final int USERS = 3_000;
    private static final int FIRST_EVENTS = 12_000;
    private static final int SECOND_EVENTS = 40_000;
    private static final int OUTAGE_EVENTS = 10_000;
    private static final long BASE_TIME = System.currentTimeMillis() - 3_600_000;
    private static final String[] COUNTRIES = {"US", "DE", "FR", "BR"};
    private static final String[] PLANS = {"free", "pro", "team"};
    private static final Pattern CONSUMED = Pattern.compile(
            "segments_kafka_records_consumed_total\\{topic=\"" + Pattern.quote(TOPIC) + "\",?}\\s+([0-9.E+]+)");

    private static ItDatabase database;
    private static AppProcess a;
    private static AppProcess b;
    private static Connection db;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;
    private static long sequence;
    private static final Map<Long, Last> LAST = new HashMap<>();

    /** The last event sent for a user: its attributes (JSON) and time (epoch microseconds). */
    private record Last(String attributes, long micros) {
    }

    @BeforeAll
    static void start() throws Exception {
        String servers = KafkaBroker.bootstrapServers();
        KafkaBroker.createTopic(TOPIC, PARTITIONS);
        admin = KafkaBroker.admin();
        producer = new KafkaProducer<>(new HashMap<>(Map.of("bootstrap.servers", servers, "acks", "all", "linger.ms", "5")),
                new StringSerializer(), new StringSerializer());
        database = new ItDatabase("kafka");
        Map<String, String> settings = Map.of("KAFKA_BOOTSTRAP_SERVERS", servers, "SEGMENTS_KAFKA_TOPIC", TOPIC,
                "SEGMENTS_KAFKA_GROUP_ID", GROUP, "SEGMENTS_KAFKA_MAX_BATCH_SIZE", "500", "SEGMENTS_KAFKA_LAG_EVERY", "1s",
                "SEGMENTS_INCREMENTAL_EVERY", "off", "SEGMENTS_SWEEP_CRON", "off", "SEGMENTS_TIME_DEPENDENT_EVERY", "off",
                // a killed member's partitions move after 6 s (the broker's minimum) instead of Kafka's default 45 s
                "JAVA_TOOL_OPTIONS", "-Dmp.messaging.incoming.attribute-events.session.timeout.ms=6000"
                        + " -Dmp.messaging.incoming.attribute-events.heartbeat.interval.ms=1000");
        CompletableFuture<AppProcess> first = CompletableFuture.supplyAsync(() -> AppProcess.start("kafka-a", database, settings));
        CompletableFuture<AppProcess> second = CompletableFuture.supplyAsync(() -> AppProcess.start("kafka-b", database, settings));
        a = first.join();
        b = second.join();
        db = database.connect();
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(producer, admin, a, b, db, database);
        FIGURES.write();
    }

    @Test
    void shouldSplitThePartitionsAndSurviveAKilledInstanceAndADatabaseOutageWithoutLosingOrRepeatingAnEvent() throws Exception {
        Map<Long, Population.Definition> segments = Population.createSegments(a.http(), "kafka", Population.definitions(6));
        Await.until("both instances in the group, each with partitions", Duration.ofSeconds(60), KafkaIT::bothAssigned, KafkaIT::logs);

        long started = System.nanoTime();
        produce(FIRST_EVENTS);
        awaitNoLag(Duration.ofSeconds(90));
        double consumedByA = consumed(a);
        double consumedByB = consumed(b);
        assertTrue(consumedByA > 0 && consumedByB > 0, "both instances applied records: a " + consumedByA + ", b " + consumedByB);
        FIGURES.add(String.format("%,d events over %,d users: instance a consumed %,.0f, b %,.0f (%.1f s)", FIRST_EVENTS, USERS,
                consumedByA, consumedByB, (System.nanoTime() - started) / 1e9));

        // a backlog, and a kill while instance a is applying it
        produce(SECOND_EVENTS);
        Await.until("instance a applying the backlog", Duration.ofSeconds(60), () -> consumed(a) > consumedByA, KafkaIT::logs);
        double aBeforeKill = consumed(a);
        a.kill();
        FIGURES.fault();
        long lagAtKill = lag();
        assertTrue(lagAtKill > 0, "killed before the backlog was applied");
        a.restart();
        started = System.nanoTime();
        awaitNoLag(Duration.ofSeconds(120));
        // a's counter counts only records whose changes are committed, so this is a lower bound of the
        // records applied by the killed instance, not committed to Kafka, and so delivered again
        double deliveredAgain = aBeforeKill + consumed(a) + consumed(b) - FIRST_EVENTS - SECOND_EVENTS;
        assertTrue(deliveredAgain > 0, "records applied before the kill were delivered again: " + deliveredAgain);
        FIGURES.add(String.format("%,d more events; instance a killed (SIGKILL) while applying them, with %,d records not "
                + "committed to Kafka, and restarted; backlog done %.1f s later; at least %,.0f records applied before the "
                + "kill were delivered again", SECOND_EVENTS, lagAtKill, (System.nanoTime() - started) / 1e9, deliveredAgain));

        // PostgreSQL stopped for 4 s while both instances apply a backlog: waited out, nothing dead-lettered
        produce(OUTAGE_EVENTS);
        database.stop();
        long lagAtStop = lag();
        FIGURES.fault();
        AppProcess.sleep(4_000);
        database.start();
        db.close();
        db = database.connect();
        started = System.nanoTime();
        awaitNoLag(Duration.ofSeconds(120));
        assertTrue(a.alive() && b.alive(), "both instances outlived the outage");
        long deadLetters = deadLetters();
        assertEquals(0, deadLetters, "messages dead-lettered although every message is valid");
        FIGURES.add(String.format("%,d more events, PostgreSQL stopped for 4 s with %,d of them not committed to Kafka: "
                + "backlog done %.1f s after the restart, by the same processes; %d dead letters", OUTAGE_EVENTS, lagAtStop,
                (System.nanoTime() - started) / 1e9, deadLetters));

        long snapshotMismatches = snapshotMismatches();
        int events = FIRST_EVENTS + SECOND_EVENTS + OUTAGE_EVENTS;
        FIGURES.events(events, events);
        FIGURES.checked(USERS, snapshotMismatches);
        assertEquals(0, snapshotMismatches, "snapshots (values and times) differ from a serial replay of every event");

        long repeated = Population.count(db, """
                SELECT count(*) FROM (SELECT kind, lag(kind) OVER (PARTITION BY user_id, segment_id ORDER BY id) AS before
                FROM membership_event WHERE user_id <= %d) e
                WHERE kind = before OR (before IS NULL AND kind = 'leave')""".formatted(USERS));
        long history = Population.count(db, "SELECT count(*) FROM membership_event WHERE user_id <= " + USERS);
        long lastDisagrees = Population.count(db, """
                SELECT count(*) FROM (SELECT DISTINCT ON (user_id, segment_id) user_id, segment_id, kind FROM membership_event
                  WHERE user_id <= %d ORDER BY user_id, segment_id, id DESC) last
                FULL JOIN (SELECT user_id, segment_id FROM segment_membership WHERE removed_at IS NULL AND user_id <= %d) open
                  USING (user_id, segment_id)
                WHERE (last.kind = 'join') IS DISTINCT FROM (open.user_id IS NOT NULL)""".formatted(USERS, USERS));
        FIGURES.checked(history, repeated + lastDisagrees);
        assertEquals(0, repeated, "a join or leave written twice in a row: an event applied twice");
        assertEquals(0, lastDisagrees, "history and open memberships disagree");

        long mismatches = Population.mismatches(db, segments, "user_id <= " + USERS);
        FIGURES.checked(Population.memberships(db, segments), mismatches);
        assertEquals(0, mismatches, "memberships differ from a from-scratch evaluation");

        long changedByRecompute = fullRecompute(segments.size());
        assertEquals(0, changedByRecompute, "a full recompute found memberships to change");
        FIGURES.add(String.format("%,d users equal the serial replay; %,d history rows, none repeated; memberships exact; "
                + "a full recompute of %d segments changed 0", USERS, history, segments.size()));
    }

    /** Events with strictly increasing record timestamps (their occurred_at) and an event id each. */
    private static void produce(int count) throws Exception {
        Random random = new Random(sequence + 14);
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long user = 1 + random.nextInt(USERS);
            long seq = sequence++;
            String attributes = "{\"score\": " + random.nextInt(100) + ", \"country\": \"" + COUNTRIES[random.nextInt(4)]
                    + "\", \"plan\": \"" + PLANS[random.nextInt(3)] + "\"}";
            String value = "{\"user_id\": " + user + ", \"attributes\": " + attributes + ", \"event_id\": \"it-" + seq + "\"}";
            sent.add(producer.send(new ProducerRecord<>(TOPIC, null, BASE_TIME + seq, Long.toString(user), value)));
            LAST.put(user, new Last(attributes, (BASE_TIME + seq) * 1000));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> record : sent) {
            record.get();
        }
    }

    /** Users whose snapshot is not the last event sent for them (its attributes, and its time on each). */
    private static long snapshotMismatches() throws Exception {
        Map<Long, JsonNode> seen = new HashMap<>();
        Map<Long, JsonNode> seenTimes = new HashMap<>();
        try (Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery(
                "SELECT user_id, attributes, attribute_times FROM user_attribute_snapshot WHERE user_id <= " + USERS)) {
            while (rows.next()) {
                seen.put(rows.getLong(1), Http.JSON.readTree(rows.getString(2)));
                seenTimes.put(rows.getLong(1), Http.JSON.readTree(rows.getString(3)));
            }
        }
        long differing = seen.keySet().stream().filter(user -> !LAST.containsKey(user)).count();
        for (Map.Entry<Long, Last> expected : LAST.entrySet()) {
            JsonNode attributes = seen.get(expected.getKey());
            JsonNode times = seenTimes.get(expected.getKey());
            boolean same = attributes != null && Http.JSON.readTree(expected.getValue().attributes()).equals(attributes);
            for (String name : List.of("score", "country", "plan")) {
                same &= times != null && times.path(name).asLong() == expected.getValue().micros();
            }
            if (!same) {
                differing++;
            }
        }
        return differing;
    }

    /** Starts a full recompute of every segment and answers the memberships its jobs added plus removed. */
    private static long fullRecompute(int segments) {
        JsonNode ids = a.http().expect(202, "/api/v1/compute/full", "").get("job_ids");
        assertEquals(segments, ids.size(), ids.toString());
        long changed = 0;
        for (JsonNode id : ids) {
            String path = "/api/v1/jobs/" + id.asLong();
            Await.until("job " + id, Duration.ofSeconds(60), () -> !"running".equals(a.http().get(path).json().get("status").asText()),
                    KafkaIT::logs);
            JsonNode job = a.http().get(path).json();
            assertEquals("completed", job.get("status").asText(), job.toString());
            changed += job.get("added_count").asLong() + job.get("removed_count").asLong();
        }
        return changed;
    }

    /** Records on the dead-letter topic (none while it does not exist). */
    private static long deadLetters() throws Exception {
        String topic = TOPIC + ".dead-letter";
        if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static boolean bothAssigned() {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
            return group.members().size() == 2
                    && group.members().stream().allMatch(member -> !member.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    /** Records of the topic the group has not committed yet, over all partitions. */
    private static long lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitNoLag(Duration timeout) {
        Await.until("the group's lag to reach 0", timeout, () -> lag() == 0, () -> "lag " + lag() + "\n" + logs());
    }

    /** This instance's {@code segments.kafka.records.consumed} since its start (0 before its first batch). */
    private static double consumed(AppProcess app) {
        Http.Answer metrics = app.http().get("/q/metrics");
        Matcher value = CONSUMED.matcher(metrics.body());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    private static String logs() {
        return a.tail() + "\n" + b.tail();
    }
}
