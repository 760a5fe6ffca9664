package dev.segments.rule;

/**
 * One node of a parsed segment rule: a {@link Group}, a {@link Condition} or a {@link SegmentRef}.
 *
 * <p>Nodes are immutable values. Code that needs to handle every kind of node implements
 * {@link Visitor}, so the compiler reports a missing case when a node kind is added.
 */
public sealed interface RuleNode permits Group, Condition, SegmentRef {

    /** Dispatches to the visitor method for this node's kind. */
    <R> R accept(Visitor<R> visitor);

    /** One method per node kind. */
    interface Visitor<R> {
        R group(Group group);

        R condition(Condition condition);

        R segmentRef(SegmentRef ref);
    }
}
