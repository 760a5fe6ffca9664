package dev.segments.segment;

import dev.segments.rule.Rule;
import dev.segments.rule.SegmentRef;
import java.util.Set;
import java.util.stream.Collectors;

/** A segment as the evaluators see it: its id, name and parsed rule. */
public record CatalogSegment(long id, String name, Rule rule) {

    public Set<Long> dependsOn() {
        return rule.references().stream().map(SegmentRef::segmentId).collect(Collectors.toUnmodifiableSet());
    }
}
