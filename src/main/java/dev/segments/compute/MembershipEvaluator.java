package dev.segments.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogSegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Evaluates one user in memory against a list of segments in dependency order, so that a composable
 * segment sees the memberships its references have just got. Used by the real-time path and the
 * dirty-user pass; the SQL compiler gives the same answers (see the differential tests).
 */
public final class MembershipEvaluator {

    private MembershipEvaluator() {
    }

    /** A join ({@code join}) or a leave of one segment. */
    public record Transition(long segmentId, boolean join) {
    }

    /**
     * @param memberships the user's open memberships; updated in place to the new state
     * @return the joins and leaves, in dependency order
     */
    public static List<Transition> evaluate(ObjectNode attributes, List<CatalogSegment> segments, Set<Long> memberships,
            Instant now) {
        List<Transition> transitions = new ArrayList<>();
        for (CatalogSegment segment : segments) {
            boolean matches = segment.compiled().test(attributes, memberships::contains, now);
            if (matches && memberships.add(segment.id())) {
                transitions.add(new Transition(segment.id(), true));
            } else if (!matches && memberships.remove(segment.id())) {
                transitions.add(new Transition(segment.id(), false));
            }
        }
        return transitions;
    }

    /** The segments to evaluate for a user: all of them when the user is new, else those the change affects. */
    public static List<CatalogSegment> segmentsFor(Catalog catalog, boolean newUser, Set<String> changedAttributes) {
        return newUser ? catalog.inDependencyOrder() : catalog.affectedBy(changedAttributes);
    }
}
