package dev.segments.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The dead-letter producer and the admin client (for lag), created on first use from the same
 * {@code kafka.*} settings as the consumer (servers, security), so they exist only when the intake runs.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> common;
    private KafkaProducer<String, byte[]> producer;
    private Admin admin;

    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> common) {
        this.common = common;
    }

    /** A producer that waits for every in-sync replica and never writes a record twice. */
    public synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(common);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "segments-dead-letters");
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    public synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(common);
            config.put("client.id", "segments-lag");
            admin = Admin.create(config);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
