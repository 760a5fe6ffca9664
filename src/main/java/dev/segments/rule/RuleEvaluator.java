package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.LongPredicate;

/**
 * Evaluates rules in memory, with exactly the semantics of {@link Operator} and RULES.md (the
 * same answers as {@link SqlCompiler} on PostgreSQL). Use {@link #matches} for one-off checks and
 * {@link #compile} to evaluate one rule over many users.
 */
public final class RuleEvaluator {
    private static final Compiler COMPILER = new Compiler();

    private RuleEvaluator() {}

    /** Whether a user with these attributes and memberships matches {@code rule} at {@code now}. */
    public static boolean matches(Rule rule, ObjectNode attributes, LongPredicate isMember, Instant now) {
        return compile(rule).test(attributes, isMember, now);
    }

    /** Turns {@code rule} into a closure tree that evaluates without allocating. */
    public static CompiledRule compile(Rule rule) {
        return rule.root().accept(COMPILER);
    }

    private static final class Compiler implements RuleNode.Visitor<CompiledRule> {
        @Override
        public CompiledRule group(Group group) {
            CompiledRule[] children = group.children().stream()
                    .map(child -> child.accept(this))
                    .toArray(CompiledRule[]::new);
            switch (group.logic()) {
                case AND:
                    return (attributes, isMember, now) -> {
                        for (CompiledRule child : children) {
                            if (!child.test(attributes, isMember, now)) {
                                return false;
                            }
                        }
                        return true;
                    };
                case OR:
                    return (attributes, isMember, now) -> {
                        for (CompiledRule child : children) {
                            if (child.test(attributes, isMember, now)) {
                                return true;
                            }
                        }
                        return false;
                    };
                default:
                    CompiledRule only = children[0];
                    return (attributes, isMember, now) -> !only.test(attributes, isMember, now);
            }
        }

        @Override
        public CompiledRule condition(Condition condition) {
            String name = condition.attribute();
            JavaOperators.AttributeTest test = JavaOperators.of(condition.op()).bind(condition.value());
            return (attributes, isMember, now) -> {
                JsonNode value = attributes.get(name);
                return test.test(value == null || value.isNull() ? null : value, now);
            };
        }

        @Override
        public CompiledRule segmentRef(SegmentRef ref) {
            long id = ref.segmentId();
            return (attributes, isMember, now) -> isMember.test(id);
        }
    }
}
