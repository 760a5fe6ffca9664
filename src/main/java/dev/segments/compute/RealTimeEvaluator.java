package dev.segments.compute;

import dev.segments.membership.MembershipChange;
import dev.segments.rule.RuleEvaluator;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogSegment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Evaluates one user's changed snapshot in memory against the affected segments, in dependency
 * order, so that a composable segment sees the memberships its references have just got.
 */
public final class RealTimeEvaluator {

    private RealTimeEvaluator() {
    }

    /**
     * @param memberships the user's open memberships; updated in place to the new state
     * @return the joins and leaves, in dependency order
     */
    public static List<MembershipChange> evaluate(long userId, ObjectNode attributes, List<CatalogSegment> segments,
            Set<Long> memberships, Instant now, String eventId) {
        List<MembershipChange> changes = new ArrayList<>();
        for (CatalogSegment segment : segments) {
            boolean matches = RuleEvaluator.matches(segment.rule(), attributes, memberships::contains, now);
            boolean member = memberships.contains(segment.id());
            if (matches && !member) {
                memberships.add(segment.id());
                changes.add(new MembershipChange(userId, segment.id(), true, eventId));
            } else if (!matches && member) {
                memberships.remove(segment.id());
                changes.add(new MembershipChange(userId, segment.id(), false, eventId));
            }
        }
        return changes;
    }

    /** The segments to evaluate for a user: all of them when the user is new, else those the change affects. */
    public static List<CatalogSegment> segmentsFor(Catalog catalog, boolean newUser, Set<String> changedAttributes) {
        return newUser ? catalog.inDependencyOrder() : catalog.affectedBy(changedAttributes);
    }
}
