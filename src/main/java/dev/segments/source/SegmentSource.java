package dev.segments.source;

import dev.segments.problem.Problem.FieldError;
import dev.segments.source.SegmentCalls.Call;
import dev.segments.source.SegmentCalls.Outcome;
import dev.segments.user.AttributeChange;
import dev.segments.user.AttributeIntake;
import dev.segments.user.IntakeResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies the calls of one Segment-Spec request: every identify in one intake transaction, the other
 * calls counted. Counts go to the meter {@code segments.source.calls} (tags {@code source}, {@code type},
 * {@code outcome}: applied, duplicate, ignored, rejected).
 */
@ApplicationScoped
public class SegmentSource {

    private final AttributeIntake intake;
    private final MeterRegistry meters;

    public SegmentSource(AttributeIntake intake, MeterRegistry meters) {
        this.intake = intake;
        this.meters = meters;
    }

    /**
     * What a request did: calls received, identify calls applied now or already before (by their
     * indexes), duplicates among them, ignored calls by what they were counted as, the rejected calls'
     * problems, and the joins and leaves written.
     */
    public record Report(int received, int applied, int duplicates, Map<String, Integer> ignored, int rejected,
            int joined, int left, List<Integer> appliedCalls, List<FieldError> errors) {
    }

    public Uni<Report> apply(String source, List<Call> calls) {
        List<AttributeChange> changes = new ArrayList<>();
        List<Integer> appliedCalls = new ArrayList<>();
        Map<String, Integer> ignored = new TreeMap<>();
        List<FieldError> errors = new ArrayList<>();
        for (Call call : calls) {
            if (call.outcome() == Outcome.APPLY) {
                changes.add(call.change());
                appliedCalls.add(call.index());
            } else if (call.outcome() == Outcome.IGNORE) {
                ignored.merge(call.ignoredAs(), 1, Integer::sum);
                count(source, call.type(), "ignored", 1);
            } else {
                errors.addAll(call.errors());
                count(source, call.type() != null && SegmentCalls.TYPES.contains(call.type()) ? call.type() : "invalid", "rejected", 1);
            }
        }
        int rejected = calls.size() - changes.size() - ignored.values().stream().mapToInt(Integer::intValue).sum();
        Uni<IntakeResult> applied = changes.isEmpty()
                ? Uni.createFrom().item(new IntakeResult(0, 0, 0, 0, Map.of(), Map.of()))
                : intake.apply(changes);
        return applied.map(result -> {
            count(source, "identify", "applied", changes.size() - result.duplicates());
            count(source, "identify", "duplicate", result.duplicates());
            return new Report(calls.size(), changes.size(), result.duplicates(), ignored, rejected, result.joined(),
                    result.left(), appliedCalls, errors);
        });
    }

    private void count(String source, String type, String outcome, int n) {
        if (n > 0) {
            meters.counter("segments.source.calls", "source", source, "type", type, "outcome", outcome).increment(n);
        }
    }
}
