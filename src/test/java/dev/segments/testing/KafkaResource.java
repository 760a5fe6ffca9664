package dev.segments.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the app under test at the in-process {@link KafkaBroker} and so turns the Kafka intake on. Only
 * the Kafka tests' profile uses it; the default test profile has no Kafka settings and starts no broker.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    /** Init argument: the topic to create first, and its partition count (default 4). */
    public static final String TOPIC = "topic";
    public static final String PARTITIONS = "partitions";

    private String topic;
    private int partitions = 4;

    @Override
    public void init(Map<String, String> args) {
        topic = args.get(TOPIC);
        partitions = Integer.parseInt(args.getOrDefault(PARTITIONS, "4"));
    }

    @Override
    public Map<String, String> start() {
        String servers = KafkaBroker.bootstrapServers();
        if (topic != null) {
            KafkaBroker.createTopic(topic, partitions);
        }
        return Map.of("kafka.bootstrap.servers", servers);
    }

    @Override
    public void stop() {
        // the broker is shared by the JVM and stops with it
    }
}
