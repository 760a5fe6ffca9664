package dev.segments.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.config.SegmentsConfig;
import dev.segments.source.SegmentCalls.AnonymousIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The consumer of the attribute-event topic (channel {@value KafkaSwitch#CHANNEL}, configured in
 * {@code application.properties}, off unless {@code kafka.bootstrap.servers} is set). Every instance joins
 * one consumer group, so the topic's partitions are split among the running instances and handed over
 * when one stops.
 *
 * <p>Each poll arrives as one batch and is applied by {@link BatchApplier}; the batch is acknowledged only
 * after its changes are committed in PostgreSQL (or dead-lettered). Offsets are committed by the
 * connector's {@code throttled} strategy, which commits, per partition, the highest offset below which
 * every record is acknowledged: so a committed offset never passes a change that is not in the database.
 * Batches are processed one at a time, in order, so a partition's records (one user's, when keyed by
 * user id) are applied in order. A crash between the database commit and the offset commit replays
 * the last batches; each replayed change carries the same event id and time, so it changes nothing.
 */
@ApplicationScoped
public class KafkaIntake {

    private static final Logger LOG = Logger.getLogger(KafkaIntake.class);

    /** Records this instance has consumed (applied, dead-lettered or skipped), per topic. */
    public static final String CONSUMED = "segments.kafka.records.consumed";

    private final BatchApplier applier;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    private final AnonymousIds anonymous;

    public KafkaIntake(BatchApplier applier, ObjectMapper json, MeterRegistry metrics, SegmentsConfig config) {
        this.applier = applier;
        this.json = json;
        this.metrics = metrics;
        this.anonymous = config.sources().segment().anonymousIds();
    }

    @Incoming(KafkaSwitch.CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<KafkaMessages.Parsed> messages = new ArrayList<>(batch.getRecords().size());
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            messages.add(KafkaMessages.parse(delivery(record), json, anonymous));
        }
        return applier.apply(messages)
                .chain(() -> Uni.createFrom().completionStage(batch::ack))
                .invoke(() -> messages.forEach(m -> metrics.counter(CONSUMED, "topic", m.delivery().topic()).increment()))
                .onFailure().call(failure -> {
                    // not reached through data or database trouble (both handled below); stop the channel
                    // rather than commit past records that are not applied
                    LOG.error("Kafka intake stopped: a batch could not be applied", failure);
                    return Uni.createFrom().completionStage(() -> batch.nack(failure));
                });
    }

    private static KafkaDelivery delivery(KafkaRecord<String, byte[]> batched) {
        // the records of an incoming batch are incoming records, which know their offset
        IncomingKafkaRecord<String, byte[]> record = (IncomingKafkaRecord<String, byte[]>) batched;
        long time = record.getTimestamp() == null ? -1 : record.getTimestamp().toEpochMilli();
        return new KafkaDelivery(record.getTopic(), record.getPartition(), record.getOffset(), record.getKey(),
                record.getPayload(), time);
    }
}
