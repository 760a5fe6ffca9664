package dev.segments.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** Only SmallRye's "not connected" warning about the disabled Kafka consumer alone is dropped. */
class KafkaOffLogFilterTest {

    private static final String HEAD = "SRMSG00207: Some components are not connected to either downstream consumers or upstream producers:\n";
    private static final String OURS = "\t- SubscriberMethod{method:'dev.segments.kafka.KafkaIntake#consume', incoming:'attribute-events'} has no upstream\n";

    private static boolean logged(String message) {
        return new KafkaOffLogFilter().isLoggable(new LogRecord(Level.WARNING, message));
    }

    @Test
    void shouldDropTheWarningAboutTheDisabledConsumerOnly() {
        assertFalse(logged(HEAD + OURS));
        assertTrue(logged(HEAD + OURS + "\t- SubscriberMethod{method:'x.Other#m', incoming:'other'} has no upstream\n"));
        assertTrue(logged(HEAD + "\t- SubscriberMethod{method:'x.Other#m', incoming:'other'} has no upstream\n"));
        assertTrue(logged("anything else"));
    }
}
