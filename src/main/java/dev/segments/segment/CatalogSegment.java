package dev.segments.segment;

import dev.segments.rule.CompiledRule;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleEvaluator;
import dev.segments.rule.SegmentRef;
import java.util.Set;
import java.util.stream.Collectors;

/** A segment as the evaluators see it: its id, name, parsed rule, and that rule compiled for the JVM. */
public record CatalogSegment(long id, String name, Rule rule, CompiledRule compiled) {

    public static CatalogSegment of(long id, String name, Rule rule) {
        return new CatalogSegment(id, name, rule, RuleEvaluator.compile(rule));
    }

    public Set<Long> dependsOn() {
        return rule.references().stream().map(SegmentRef::segmentId).collect(Collectors.toUnmodifiableSet());
    }
}
