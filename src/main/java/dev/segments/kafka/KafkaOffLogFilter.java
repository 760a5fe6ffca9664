package dev.segments.kafka;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Drops the one warning the disabled intake causes: with {@code kafka.bootstrap.servers} unset, SmallRye
 * Reactive Messaging reports the consumer method as "not connected" ({@code SRMSG00207}) at every start,
 * although that is the intended state. The warning still appears when it names any other component.
 */
@LoggingFilter(name = "kafka-intake-off")
public final class KafkaOffLogFilter implements Filter {

    private static final String CONSUMER = KafkaIntake.class.getName() + "#consume";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message == null || !message.contains("SRMSG00207")) {
            return true;
        }
        // the message lists one component per line after its first line
        long components = message.lines().skip(1).filter(line -> !line.isBlank()).count();
        return !(components == 1 && message.contains(CONSUMER));
    }
}
