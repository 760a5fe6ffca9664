package dev.segments.drift;

import io.smallrye.mutiny.Uni;

/**
 * Delivers a tripped alert to its destination (a webhook). The default only logs; a bean implementing
 * this interface replaces it. A failed delivery is retried on the next dispatch.
 */
public interface AlertNotifier {

    Uni<Void> send(Alert alert, long destinationId);
}
