package dev.segments.kafka;

import dev.segments.kafka.KafkaMessages.Change;
import dev.segments.kafka.KafkaMessages.Parsed;
import dev.segments.kafka.KafkaMessages.Rejected;
import dev.segments.problem.Problem;
import dev.segments.user.AttributeChange;
import dev.segments.user.AttributeIntake;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Applies one poll's messages: each partition's changes in chunks of {@code segments.kafka.max-batch-size},
 * each chunk in one {@link AttributeIntake#apply} transaction, the partitions at the same time (the
 * intake groups or queues them, {@code segments.intake.concurrent-groups}), and dead-letters the rest. The answer completes
 * only when every change is committed or dead-lettered, which is when the consumer may commit offsets.
 *
 * <p>When a chunk is refused because of its data, the chunk is halved and each half applied in turn
 * (first half first) until the offending messages stand alone and go to the dead-letter topic: the good
 * messages around a bad one are applied, and a bad one costs about log2(chunk) extra transactions. A
 * database outage is not the data's fault: the chunk is retried, with back-off, until the database is
 * back, and nothing is dead-lettered or committed meanwhile.
 */
@ApplicationScoped
public class BatchApplier {

    private static final Logger LOG = Logger.getLogger(BatchApplier.class);
    private static final int UNEXPECTED_ATTEMPTS = 3;

    private final Function<List<AttributeChange>, Uni<?>> intake;
    private final DeadLetterSink deadLetters;
    private final int maxBatchSize;
    private final Duration firstRetry;

    @Inject
    public BatchApplier(AttributeIntake intake, DeadLetters deadLetters, KafkaIntakeConfig config) {
        this(intake::apply, deadLetters, config.maxBatchSize(), Duration.ofMillis(500));
    }

    /** {@code intake}: applies a batch in one transaction; {@code firstRetry}: the first back-off (doubling). */
    BatchApplier(Function<List<AttributeChange>, Uni<?>> intake, DeadLetterSink deadLetters, int maxBatchSize,
            Duration firstRetry) {
        this.intake = intake;
        this.deadLetters = deadLetters;
        this.maxBatchSize = Math.max(1, maxBatchSize);
        this.firstRetry = firstRetry;
    }

    public Uni<Void> apply(List<Parsed> messages) {
        List<Change> changes = new ArrayList<>(messages.size());
        Uni<Void> done = Uni.createFrom().voidItem();
        for (Parsed message : messages) {
            if (message instanceof Change change) {
                changes.add(change);
            } else if (message instanceof Rejected rejected) {
                done = done.chain(() -> deadLetters.send(rejected.delivery(), rejected.problem()));
            }
        }
        // each partition's changes in order, one chunk after another; the partitions side by side, so that
        // one instance keeps more than one intake transaction busy (records are keyed by user, so a user's
        // changes share a partition and their order is kept; across partitions there is none to keep)
        Map<Integer, List<Change>> byPartition = new LinkedHashMap<>();
        changes.forEach(change -> byPartition.computeIfAbsent(change.delivery().partition(), p -> new ArrayList<>()).add(change));
        List<Uni<Void>> partitions = new ArrayList<>();
        for (List<Change> inPartition : byPartition.values()) {
            Uni<Void> partition = Uni.createFrom().voidItem();
            for (int from = 0; from < inPartition.size(); from += maxBatchSize) {
                List<Change> chunk = inPartition.subList(from, Math.min(inPartition.size(), from + maxBatchSize));
                partition = partition.chain(() -> applyIsolating(chunk));
            }
            partitions.add(partition);
        }
        if (partitions.isEmpty()) {
            return done;
        }
        return done.chain(() -> Uni.join().all(partitions).andCollectFailures().replaceWithVoid());
    }

    private Uni<Void> applyIsolating(List<Change> chunk) {
        return persistently(chunk).onFailure().recoverWithUni(failure -> {
            if (chunk.size() == 1) {
                Problem problem = IntakeFailures.rejection(failure).orElseGet(() -> IntakeFailures.unexpected(failure));
                return deadLetters.send(chunk.get(0).delivery(), problem);
            }
            int half = chunk.size() / 2;
            return applyIsolating(chunk.subList(0, half)).chain(() -> applyIsolating(chunk.subList(half, chunk.size())));
        });
    }

    /** One intake call, retried while the database is away; fails only when the data may be at fault. */
    private Uni<Void> persistently(List<Change> chunk) {
        return Uni.createFrom().deferred(() -> intake.apply(chunk.stream().map(Change::change).toList()).replaceWithVoid())
                .onFailure(IntakeFailures::isTransient).invoke(f -> LOG.warnf(
                        "Kafka intake: %d changes not applied yet, retrying: %s", chunk.size(), f.toString()))
                .onFailure(IntakeFailures::isTransient).retry()
                .withBackOff(firstRetry, firstRetry.multipliedBy(20)).indefinitely()
                .onFailure(f -> IntakeFailures.rejection(f).isEmpty()).invoke(f -> LOG.warnf(f,
                        "Kafka intake: %d changes failed unexpectedly", chunk.size()))
                .onFailure(f -> IntakeFailures.rejection(f).isEmpty()).retry()
                .withBackOff(firstRetry, firstRetry.multipliedBy(4)).atMost(UNEXPECTED_ATTEMPTS)
                .replaceWithVoid();
    }
}
