package dev.segments.kafka;

/**
 * One consumed Kafka record, reduced to what the intake needs. Kept free of client and connector types
 * so that parsing and dead-lettering can be tested without a broker.
 *
 * @param timestampMillis the record's timestamp (producer or broker time), or -1 when it has none
 */
public record KafkaDelivery(String topic, int partition, long offset, String key, byte[] value, long timestampMillis) {

    /** The event id of a message that names none: its position, so a replayed record gets the same id. */
    public String positionId() {
        return "kafka:" + topic + ":" + partition + ":" + offset;
    }
}
