package dev.segments.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the Kafka intake. All of them are inert until {@code kafka.bootstrap.servers} is set
 * ({@link KafkaSwitch}); the consumer's Kafka properties (topic, group, poll size) are derived from
 * these in {@code application.properties}.
 */
@ConfigMapping(prefix = "segments.kafka")
public interface KafkaIntakeConfig {

    /** The topic of attribute events, keyed by user id. */
    @WithDefault("segments.attribute-events")
    String topic();

    /** The consumer group every instance joins: the topic's partitions are split among its members. */
    @WithDefault("segments")
    String groupId();

    /** Where messages that cannot be applied go; default {@code <topic>.dead-letter}. */
    Optional<String> deadLetterTopic();

    /** Most records applied in one intake transaction (also the consumer's {@code max.poll.records}). */
    @WithDefault("5000")
    int maxBatchSize();

    /** How often the consumer group's lag is read for the metric and the Jobs page. */
    @WithDefault("10s")
    Duration lagEvery();

    default String deadLetters() {
        return deadLetterTopic().filter(t -> !t.isBlank()).orElse(topic() + ".dead-letter");
    }
}
