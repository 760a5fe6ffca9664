package dev.segments.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Sends a message that cannot be applied to the dead-letter topic: the original key and value unchanged
 * (so it can be fixed and produced again), and headers naming its problem ({@code segments-problem}, an
 * {@code application/problem+json} document) and its origin ({@code segments-topic}, {@code -partition},
 * {@code -offset}). The answer completes once the broker has the record; until then the consumer
 * commits nothing, so a dead letter is never lost.
 */
@ApplicationScoped
public class DeadLetters implements DeadLetterSink {

    public static final String PROBLEM = "segments-problem";
    public static final String TOPIC = "segments-topic";
    public static final String PARTITION = "segments-partition";
    public static final String OFFSET = "segments-offset";
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaClients clients;
    private final KafkaIntakeConfig config;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public DeadLetters(KafkaClients clients, KafkaIntakeConfig config, ObjectMapper json, MeterRegistry metrics) {
        this.clients = clients;
        this.config = config;
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public Uni<Void> send(KafkaDelivery delivery, Problem problem) {
        return Uni.createFrom().<Void>emitter(emitter -> {
            ProducerRecord<String, byte[]> record = record(delivery, problem);
            clients.producer().send(record, (metadata, failure) -> {
                if (failure == null) {
                    emitter.complete(null);
                } else {
                    emitter.fail(failure);
                }
            });
        }).onFailure().invoke(f -> LOG.warnf("Dead letter not sent yet, retrying: %s", f.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .invoke(() -> {
                    LOG.infof("Message %s dead-lettered to %s: %s", delivery.positionId(), config.deadLetters(), problem.detail());
                    metrics.counter("segments.kafka.dead.letters", "topic", delivery.topic()).increment();
                });
    }

    private ProducerRecord<String, byte[]> record(KafkaDelivery delivery, Problem problem) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PROBLEM, problemJson(problem));
        headers.add(TOPIC, bytes(delivery.topic()));
        headers.add(PARTITION, bytes(Integer.toString(delivery.partition())));
        headers.add(OFFSET, bytes(Long.toString(delivery.offset())));
        return new ProducerRecord<>(config.deadLetters(), null, delivery.key(), delivery.value(), headers);
    }

    private byte[] problemJson(Problem problem) {
        try {
            return json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
