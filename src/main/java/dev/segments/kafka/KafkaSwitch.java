package dev.segments.kafka;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import jakarta.annotation.Priority;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Turns the Kafka intake on exactly when {@code kafka.bootstrap.servers} is set (property or
 * {@code KAFKA_BOOTSTRAP_SERVERS}): it answers the connector's own switch,
 * {@code mp.messaging.incoming.attribute-events.enabled}, unless that is set explicitly. With the channel
 * disabled, SmallRye Reactive Messaging creates no consumer, so the app starts without a broker, without
 * connection attempts and with health UP. Registered through {@code META-INF/services}.
 */
@Priority(KafkaSwitch.PRIORITY)
public class KafkaSwitch implements ConfigSourceInterceptor {

    static final int PRIORITY = 900;
    public static final String CHANNEL = "attribute-events";
    static final String CHANNEL_ENABLED = "mp.messaging.incoming." + CHANNEL + ".enabled";
    static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!CHANNEL_ENABLED.equals(name) || value != null) {
            return value;
        }
        ConfigValue servers = context.proceed(BOOTSTRAP_SERVERS);
        boolean on = servers != null && servers.getValue() != null && !servers.getValue().isBlank();
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(on))
                .withConfigSourceName(KafkaSwitch.class.getSimpleName()).build();
    }

    /** Whether the intake runs in this app (the same answer the connector gets). */
    public static boolean enabled(Config config) {
        Optional<Boolean> on = config.getOptionalValue(CHANNEL_ENABLED, Boolean.class);
        return on.orElse(false);
    }
}
