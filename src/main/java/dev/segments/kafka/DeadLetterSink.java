package dev.segments.kafka;

import dev.segments.problem.Problem;
import io.smallrye.mutiny.Uni;

/** Where a message that cannot be applied goes, with its problem; completes once it is safely there. */
interface DeadLetterSink {

    Uni<Void> send(KafkaDelivery delivery, Problem problem);
}
