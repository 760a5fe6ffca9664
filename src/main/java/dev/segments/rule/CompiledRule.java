package dev.segments.rule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.LongPredicate;

/**
 * A rule turned into a tree of closures by {@link RuleEvaluator#compile(Rule)}. Testing a user
 * allocates nothing, so one compiled rule can be run over millions of users. Thread-safe.
 */
@FunctionalInterface
public interface CompiledRule {

    /**
     * Whether the user matches.
     *
     * @param attributes the user's attribute document
     * @param isMember answers segment references: is the user currently a member of that segment
     * @param now the instant of the evaluation (used by time conditions)
     */
    boolean test(ObjectNode attributes, LongPredicate isMember, Instant now);
}
