package dev.segments.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The consumer group's lag on the attribute-event topic, per partition: read with the admin client every
 * {@code segments.kafka.lag-every}, so every instance sees the whole group (not only the partitions it
 * owns). Published as the gauge {@value #METRIC} (tags {@code topic}, {@code partition}) and shown on the
 * Jobs page. Lag is the end offset minus the group's committed offset (minus the earliest offset still
 * kept, for a partition the group has not committed on yet).
 */
@ApplicationScoped
public class ConsumerLag {

    public static final String METRIC = "segments.kafka.consumer.lag";
    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    private static final long TIMEOUT_SECONDS = 5;

    /** One partition: {@code committed} is null while the group has committed nothing there. */
    public record PartitionLag(int partition, Long committed, long end, long lag) {
    }

    /** The latest reading; {@code enabled} false when Kafka is not configured, {@code error} when unreadable. */
    public record Report(boolean enabled, String topic, String group, List<PartitionLag> partitions, Instant readAt,
            String error) {

        public long totalLag() {
            return partitions.stream().mapToLong(PartitionLag::lag).sum();
        }
    }

    private final boolean enabled;
    private final KafkaIntakeConfig config;
    private final KafkaClients clients;
    private final MeterRegistry metrics;
    private final Map<Integer, Long> lags = new ConcurrentHashMap<>();
    private volatile Report last;

    public ConsumerLag(Config mpConfig, KafkaIntakeConfig config, KafkaClients clients, MeterRegistry metrics) {
        this.enabled = KafkaSwitch.enabled(mpConfig);
        this.config = config;
        this.clients = clients;
        this.metrics = metrics;
        this.last = new Report(enabled, config.topic(), config.groupId(), List.of(), null, null);
    }

    public Report report() {
        return last;
    }

    @Scheduled(every = "${segments.kafka.lag-every:10s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        if (!enabled) {
            return;
        }
        try {
            last = read();
            last.partitions().forEach(p -> {
                if (lags.put(p.partition(), p.lag()) == null) {
                    Gauge.builder(METRIC, lags, m -> m.getOrDefault(p.partition(), 0L))
                            .description("Records of the attribute-event topic not yet applied by the consumer group")
                            .tags("topic", config.topic(), "partition", Integer.toString(p.partition()))
                            .register(metrics);
                }
            });
        } catch (Exception e) {
            LOG.debugf("Kafka lag not readable: %s", e.toString());
            last = new Report(true, config.topic(), config.groupId(), last.partitions(), last.readAt(), e.toString());
        }
    }

    private Report read() throws Exception {
        Admin admin = clients.admin();
        String topic = config.topic();
        Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.groupId())
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(admin, partitions, OffsetSpec.earliest());
        List<PartitionLag> rows = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata done = committed.get(tp);
            long end = ends.get(tp).offset();
            long from = done == null ? starts.get(tp).offset() : Math.max(done.offset(), starts.get(tp).offset());
            rows.add(new PartitionLag(tp.partition(), done == null ? null : done.offset(), end, Math.max(0, end - from)));
        }
        rows.sort(Comparator.comparingInt(PartitionLag::partition));
        return new Report(true, topic, config.groupId(), List.copyOf(rows), Instant.now(), null);
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin admin, Set<TopicPartition> partitions,
            OffsetSpec spec) throws Exception {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec)))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
