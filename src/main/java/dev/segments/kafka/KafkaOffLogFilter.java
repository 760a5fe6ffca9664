package dev.segments.kafka;

import io.quarkus.logging.LoggingFilter;
import java.util.Arrays;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

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
        String message = record.getMessage();
        if (message == null || !message.contains("SRMSG00207")) {
            return true;
        }
        // the unconnected components are listed one a line, each "... has no upstream" (or downstream)
        String text = message + " " + Arrays.toString(record.getParameters());
        long components = text.lines().filter(line -> line.contains(" has no ")).count();
        return !(components == 1 && text.contains(CONSUMER));
    }
}
