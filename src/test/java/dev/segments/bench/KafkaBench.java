package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.testing.KafkaBroker;
import io.vertx.mutiny.sqlclient.Pool;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * {@code -Dbench.only=kafka}: the Kafka intake rows (4e–4g), each against a baseline of the same run. The
 * test instance has no consumer (its profile sets no broker), so the consumers are packaged instances
 * ({@link SecondInstance}, needs {@code target/quarkus-app/quarkus-run.jar}) in one consumer group on a
 * topic of {@code -Dbench.kafka-partitions} (6) partitions of the in-process broker ({@link KafkaBroker}).
 *
 * <p>A row produces {@code -Dbench.kafka-events} (100,000) attribute changes (the REST rows' changes, numeric
 * ids spread over all users, keyed by user id), built before the clock starts, as fast as the producer
 * goes, and stops the clock when the group's committed offsets reach the end of every partition: that is
 * when every change is in PostgreSQL. #4e: one instance, and #4a's REST batches against the same instance
 * as its baseline; #4f: two instances in the group, against the better of one instance before and after;
 * #4g: one instance consuming with {@code concurrency=2} (two consumers, two transactions in flight).
 */
final class KafkaBench {

    private static final Logger LOG = Logger.getLogger(KafkaBench.class);
    /**
     * A new topic each run: a record without an event id is known by its position
     * ({@code kafka:<topic>:<partition>:<offset>}), and the broker starts empty each run, so on a kept
     * database (-Dbench.data-dir) a reused topic name would make every record a duplicate of the last run's.
     */
    private static final String TOPIC = "bench.attribute-events." + System.currentTimeMillis();
    private static final String GROUP = "segments-bench";
    private static final Duration NO_LAG_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration GROUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern CONSUMED = Pattern.compile(
            "segments_kafka_records_consumed_total\\{topic=\"" + Pattern.quote(TOPIC) + "\",?}\\s+([0-9.E+]+)");
    /** Users checked after each row: their snapshot must hold their last change of that row. */
    private static final int SPOT_CHECKS = 20;

    private final Pool pool;
    private final URI base;
    private final ObjectMapper json;
    private final BenchSettings settings;
    private final Random random;
    private final int partitions = Integer.getInteger("bench.kafka-partitions", 6);
    private final int events = Integer.getInteger("bench.kafka-events", 100_000);
    private final int warmUpEvents = Integer.getInteger("bench.kafka-warm-up-events", 100_000);

    /** One timed Kafka run: events over seconds, and the records each instance counted as consumed. */
    private record Run(long events, double seconds, double produceSeconds, List<Double> consumed) {

        double rate() {
            return events / seconds;
        }

        String split() {
            return consumed.size() < 2 ? "" : consumed.stream().map(c -> String.format(Locale.ROOT, "%,.0f", c))
                    .reduce((x, y) -> x + " + " + y).orElse("") + " records";
        }
    }

    KafkaBench(Pool pool, URI base, ObjectMapper json, BenchSettings settings) {
        this.pool = pool;
        this.base = base;
        this.json = json;
        this.settings = settings;
        this.random = new Random(settings.seed() ^ 0x4E4E);
    }

    String run(String command) throws Exception {
        if (!SecondInstance.available()) {
            return "## Kafka intake benchmark\n\nnot measured: no target/quarkus-app/quarkus-run.jar (run ./mvnw package -DskipTests first)\n";
        }
        ImportBench.ensureUsers(pool, settings);
        String servers = KafkaBroker.bootstrapServers();
        KafkaBroker.createTopic(TOPIC, partitions);
        Map<String, String> consumer = consumerSettings(servers, Map.of());
        // the connector's default: concurrency 1, so one poll (one intake transaction) at a time per instance
        Map<String, String> concurrent = consumerSettings(servers, Map.of("concurrency", "2"));
        Run oneBefore;
        Run two;
        Run oneAfter;
        Run twoConsumers;
        double rest;
        double restWithIds;
        String load;
        try (Admin admin = KafkaBroker.admin(); KafkaProducer<String, String> producer = producer(servers)) {
            KafkaGroup group = new KafkaGroup(admin, TOPIC, GROUP, partitions);
            try (SecondInstance a = SecondInstance.start(consumer)) {
                group.awaitMembers(1, GROUP_TIMEOUT);
                warmUp(producer, group, List.of(a));
                BenchClient api = new BenchClient(a.base(), json);
                EventBodies bodies = new EventBodies(settings, false, settings.seed() ^ 0x4F);
                batches(api, bodies.perClient(settings.eventClients(), 20, settings.eventsPerRequest())); // REST warm-up
                oneBefore = timed(producer, group, List.of(a));
                rest = batches(api, bodies.perClient(settings.eventClients(), settings.eventRequests(), settings.eventsPerRequest()));
                restWithIds = batches(api, withEventIds(bodies.perClient(settings.eventClients(), settings.eventRequests(),
                        settings.eventsPerRequest())));
                try (SecondInstance b = SecondInstance.start(consumer)) {
                    group.awaitMembers(2, GROUP_TIMEOUT);
                    warmUp(producer, group, List.of(a, b));
                    two = timed(producer, group, List.of(a, b));
                }
                group.awaitMembers(1, GROUP_TIMEOUT);
                oneAfter = timed(producer, group, List.of(a));
            }
            try (SecondInstance c = SecondInstance.start(concurrent)) {
                group.awaitMembers(2, GROUP_TIMEOUT);
                warmUp(producer, group, List.of(c));
                twoConsumers = timed(producer, group, List.of(c));
            }
            load = loadAverage();
        }
        double one = Math.max(oneBefore.rate(), oneAfter.rate());
        StringBuilder out = new StringBuilder("## Kafka intake benchmark\n\nCommand: `" + command + "`\n\n");
        out.append(String.format(Locale.ROOT, "%,d users; topic of %d partitions; %,d events per Kafka row; consumer settings as shipped "
                        + "(`segments.kafka.max-batch-size` %s, so `max.poll.records` the same) except `auto.commit.interval.ms=100`; "
                        + "load average after the run: %s%n%n",
                settings.users(), partitions, events, System.getProperty("bench.kafka-max-batch-size", "5000 (default)"), load));
        out.append("| # | Measure | Result | Ratio | Target |\n|---|---|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "|  | REST baseline: #4a's batches (%,d events, %d per request, %d clients) to the same packaged instance | %,.0f events/s | 1× |  |%n",
                (long) settings.eventRequests() * settings.eventsPerRequest(), settings.eventsPerRequest(), settings.eventClients(), rest));
        out.append(String.format(Locale.ROOT, "|  | The same REST batches with an `event_id` on every event (deduplicated like every Kafka record, which always has one) | %,.0f events/s | %.2f× REST |  |%n",
                restWithIds, restWithIds / rest));
        out.append(String.format(Locale.ROOT, "| 4e | Kafka, one instance: produced to all applied and committed (producing alone took %.2f s) | %,.0f events/s | %.2f× REST | ≥ 10,000 events/s — %s |%n",
                oneBefore.produceSeconds(), oneBefore.rate(), oneBefore.rate() / rest, verdict(oneBefore.rate())));
        out.append(String.format(Locale.ROOT, "| 4f | Kafka, two instances in the group (%s) | %,.0f events/s | %.2f× one instance | ≥ 10,000 events/s — %s |%n",
                two.split(), two.rate(), two.rate() / one, verdict(two.rate())));
        out.append(String.format(Locale.ROOT, "|  | Kafka, one instance again, after the two-instance run (baseline of #4f and #4g: the better one-instance run) | %,.0f events/s | %.2f× REST |  |%n",
                oneAfter.rate(), oneAfter.rate() / rest));
        out.append(String.format(Locale.ROOT, "| 4g | Kafka, one instance with `concurrency=2` (two consumers in the instance, two intake transactions in flight; not the shipped setting) | %,.0f events/s | %.2f× one instance | ≥ 10,000 events/s — %s |%n",
                twoConsumers.rate(), twoConsumers.rate() / one, verdict(twoConsumers.rate())));
        return out.toString();
    }

    /**
     * The environment of a consumer instance: the broker, the benchmark's topic and group, and offsets
     * committed every 100 ms instead of the connector's 5 s, so the committed offsets (the clock's end)
     * trail the database by 0.1 s at most; {@code channel} adds connector attributes of the channel, and
     * {@code -Dbench.kafka-instance-options} JVM options.
     */
    private static Map<String, String> consumerSettings(String servers, Map<String, String> channel) {
        StringBuilder options = new StringBuilder("-Dmp.messaging.incoming.attribute-events.auto.commit.interval.ms=100");
        channel.forEach((key, value) -> options.append(" -Dmp.messaging.incoming.attribute-events.").append(key).append('=').append(value));
        // e.g. a flight recording of the consumers: -Dbench.kafka-instance-options=-XX:StartFlightRecording=...
        String extra = System.getProperty("bench.kafka-instance-options", "");
        if (!extra.isBlank()) {
            options.append(' ').append(extra);
        }
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", servers, "SEGMENTS_KAFKA_TOPIC", TOPIC,
                "SEGMENTS_KAFKA_GROUP_ID", GROUP, "JAVA_TOOL_OPTIONS", options.toString()));
        String batch = System.getProperty("bench.kafka-max-batch-size");
        if (batch != null) {
            env.put("SEGMENTS_KAFKA_MAX_BATCH_SIZE", batch);
        }
        return env;
    }

    private static KafkaProducer<String, String> producer(String servers) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", servers, "acks", "all", "linger.ms", "5",
                "batch.size", 256 * 1024));
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Not timed: the consumers' JIT compiles the Kafka intake path; then the group has no lag. */
    private void warmUp(KafkaProducer<String, String> producer, KafkaGroup group, List<SecondInstance> consumers) throws Exception {
        produce(producer, messages(warmUpEvents, new LinkedHashMap<>()));
        group.awaitNoLag(NO_LAG_TIMEOUT);
        LOG.infof("Kafka warm-up: %,d events applied by %d instance(s)", warmUpEvents, consumers.size());
    }

    /** One row: {@link #events} produced, the clock stopped when the group's lag is 0, then checked. */
    private Run timed(KafkaProducer<String, String> producer, KafkaGroup group, List<SecondInstance> consumers) throws Exception {
        Map<Long, ObjectNode> last = new LinkedHashMap<>();
        List<ProducerRecord<String, String>> records = messages(events, last);
        List<Double> before = consumed(consumers);
        group.awaitNoLag(NO_LAG_TIMEOUT);
        long start = System.nanoTime();
        produce(producer, records);
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        long end = group.awaitNoLag(NO_LAG_TIMEOUT);
        Run run = new Run(events, (end - start) / 1e9, produceSeconds, minus(consumed(consumers), before));
        double applied = run.consumed().stream().mapToDouble(Double::doubleValue).sum();
        LOG.infof("Kafka: %,d events to %d instance(s) in %.2f s (produced in %.2f s): %,.0f events/s; consumed %s",
                events, consumers.size(), run.seconds(), produceSeconds, run.rate(), run.consumed());
        if (applied < events) {
            throw new IllegalStateException("the group committed every offset but its instances counted " + applied
                    + " records consumed of " + events);
        }
        spotCheck(last);
        return run;
    }

    /**
     * {@code count} messages in the documented shape ({@code {"user_id", "attributes"}}, key the user id),
     * users drawn over all users; {@code last} receives each user's change, in order of first use (null for
     * a user changed more than once).
     */
    private List<ProducerRecord<String, String>> messages(int count, Map<Long, ObjectNode> last) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long user = settings.firstUserId() + 1 + random.nextInt(settings.users());
            ObjectNode change = EventLoad.change(random);
            ObjectNode message = json.createObjectNode().put("user_id", user);
            message.set("attributes", change);
            records.add(new ProducerRecord<>(TOPIC, Long.toString(user), message.toString()));
            // a user changed twice within a millisecond has two changes of equal time: left out of the check
            last.put(user, last.containsKey(user) ? null : change);
        }
        return records;
    }

    private static void produce(KafkaProducer<String, String> producer, List<ProducerRecord<String, String>> records) throws Exception {
        List<Future<?>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<String, String> record : records) {
            sent.add(producer.send(record));
        }
        producer.flush();
        for (Future<?> record : sent) {
            record.get();
        }
    }

    /**
     * Reads a few users changed once in this row back through the test instance
     * ({@code GET /api/v1/users/{id}}): each attribute of that change must be in their snapshot (a user
     * changed in an earlier row has older record times there, so this row's change wins).
     */
    private void spotCheck(Map<Long, ObjectNode> last) {
        BenchClient api = new BenchClient(base, json);
        Iterator<Map.Entry<Long, ObjectNode>> users = last.entrySet().stream().filter(u -> u.getValue() != null).iterator();
        for (int i = 0; i < SPOT_CHECKS && users.hasNext(); i++) {
            Map.Entry<Long, ObjectNode> user = users.next();
            JsonNode attributes = api.get("/api/v1/users/" + user.getKey()).path("attributes");
            user.getValue().fields().forEachRemaining(expected -> {
                JsonNode found = attributes.path(expected.getKey());
                boolean same = found.isNumber() && expected.getValue().isNumber()
                        ? found.decimalValue().compareTo(expected.getValue().decimalValue()) == 0
                        : found.equals(expected.getValue());
                if (!same) {
                    throw new IllegalStateException("user " + user.getKey() + ": " + expected.getKey() + " is " + found
                            + " after the Kafka run, its last change there set " + expected.getValue());
                }
            });
        }
    }

    /** Each instance's {@code segments_kafka_records_consumed_total} for the benchmark's topic. */
    private static List<Double> consumed(List<SecondInstance> consumers) {
        List<Double> counts = new ArrayList<>();
        for (SecondInstance consumer : consumers) {
            Matcher value = CONSUMED.matcher(new BenchClient(consumer.base(), new ObjectMapper()).text("/q/metrics"));
            double total = 0;
            while (value.find()) {
                total += Double.parseDouble(value.group(1));
            }
            counts.add(total);
        }
        return counts;
    }

    private static List<Double> minus(List<Double> after, List<Double> before) {
        List<Double> difference = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            difference.add(after.get(i) - before.get(i));
        }
        return difference;
    }

    /**
     * The same bodies with an {@code event_id} on every event: a Kafka record always has one (its own or its
     * position), so the intake records it for deduplication; this shows what that costs through REST.
     */
    private List<List<String>> withEventIds(List<List<String>> bodies) throws Exception {
        List<List<String>> out = new ArrayList<>();
        long sequence = 0;
        long run = System.currentTimeMillis(); // unique per run: a kept database (-Dbench.data-dir) must not know them
        for (List<String> own : bodies) {
            List<String> identified = new ArrayList<>();
            for (String body : own) {
                JsonNode batch = json.readTree(body);
                for (JsonNode event : batch) {
                    ((ObjectNode) event).put("event_id", "bench-rest-" + run + "-" + sequence++);
                }
                identified.add(batch.toString());
            }
            out.add(identified);
        }
        return out;
    }

    /** Events per second of #4a's REST batches, each client's list posted in order. */
    private double batches(BenchClient api, List<List<String>> bodies) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(bodies.size());
        long count = 0;
        for (List<String> own : bodies) {
            for (String body : own) {
                count += json.readTree(body).size();
            }
        }
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (List<String> own : bodies) {
                running.add(executor.submit(() -> own.forEach(body -> api.post("/api/v1/events", body, 200))));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            executor.shutdown();
        }
        double rate = count / ((System.nanoTime() - start) / 1e9);
        LOG.infof("REST: %,d events from %d clients: %,.0f events/s", count, bodies.size(), rate);
        return rate;
    }

    private static String verdict(double rate) {
        return rate >= 10_000 ? "met" : "**missed**";
    }

    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
