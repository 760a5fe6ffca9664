package dev.segments.drift;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The fallback notifier (replaced by {@code export.WebhookAlertNotifier}): it logs alerts. */
@DefaultBean
@ApplicationScoped
public class LoggingAlertNotifier implements AlertNotifier {

    private static final Logger LOG = Logger.getLogger(LoggingAlertNotifier.class);

    @Override
    public Uni<Void> send(Alert alert, long destinationId) {
        LOG.infof("Drift alert %d for segment %d (destination %d): %s", alert.id(), alert.segmentId(), destinationId,
                alert.detail());
        return Uni.createFrom().voidItem();
    }
}
