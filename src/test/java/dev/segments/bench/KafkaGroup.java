package dev.segments.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * The benchmark's view of one consumer group on one topic, read with the admin client as an operator
 * would: the committed offsets against the partitions' end offsets. The Kafka rows stop their clock when
 * the lag is 0, i.e. when every record is applied in PostgreSQL and committed (the intake commits an
 * offset only after the records below it are in the database).
 */
final class KafkaGroup {

    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String topic;
    private final String group;
    private final int partitions;

    KafkaGroup(Admin admin, String topic, String group, int partitions) {
        this.admin = admin;
        this.topic = topic;
        this.group = group;
        this.partitions = partitions;
    }

    /** Records of the topic the group has not committed yet, over all partitions. */
    long lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (Exception e) {
            throw new IllegalStateException("lag of group " + group + " not readable", e);
        }
    }

    /** Waits (polling every 100 ms) until the lag is 0; answers the nanoTime of the reading that saw it. */
    long awaitNoLag(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long lag = lag();
            long now = System.nanoTime();
            if (lag == 0) {
                return now;
            }
            if (now > deadline) {
                throw new IllegalStateException("group " + group + " still " + lag + " records behind after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the group is stable with exactly this many members, each owning partitions. */
    void awaitMembers(int members, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            try {
                ConsumerGroupDescription found = admin.describeConsumerGroups(List.of(group)).all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group);
                seen = found.groupState() + " with " + found.members().size() + " members";
                if (found.groupState() == GroupState.STABLE && found.members().size() == members
                        && found.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
            } catch (Exception e) {
                seen = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("group " + group + " not stable with " + members + " members after " + timeout
                + " (last seen: " + seen + ")");
    }
}
