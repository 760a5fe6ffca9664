package dev.segments.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A parsed and validated segment rule (see {@link RuleParser}). Immutable; two rules are equal
 * when their trees are equal.
 */
public final class Rule {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RuleNode root;
    private final Set<String> attributes;
    private final List<SegmentRef> references;
    private final boolean readsNow;

    Rule(RuleNode root) {
        this.root = root;
        Set<String> names = new LinkedHashSet<>();
        List<SegmentRef> refs = new ArrayList<>();
        Set<Operator> ops = new HashSet<>();
        collect(root, names, refs, ops);
        this.attributes = Collections.unmodifiableSet(names);
        this.references = List.copyOf(refs);
        this.readsNow = ops.stream().anyMatch(Operator::readsNow);
    }

    private static void collect(RuleNode node, Set<String> names, List<SegmentRef> refs, Set<Operator> ops) {
        node.accept(new RuleNode.Visitor<Void>() {
            @Override
            public Void group(Group group) {
                group.children().forEach(child -> collect(child, names, refs, ops));
                return null;
            }

            @Override
            public Void condition(Condition condition) {
                names.add(condition.attribute());
                ops.add(condition.op());
                return null;
            }

            @Override
            public Void segmentRef(SegmentRef ref) {
                refs.add(ref);
                return null;
            }
        });
    }

    /** The root node of the tree. */
    public RuleNode root() {
        return root;
    }

    /** Every attribute name used anywhere in the tree, in order of first use. */
    public Set<String> attributes() {
        return attributes;
    }

    /** Every segment reference with its JSON Pointer, in document order. */
    public List<SegmentRef> references() {
        return references;
    }

    /**
     * Whether a condition of this rule reads the instant of the evaluation ({@link Operator#readsNow()}),
     * so its answer can change as time passes. References are not followed: a segment is
     * time-dependent when its own rule or a rule it references, through any chain, reads now.
     */
    public boolean readsNow() {
        return readsNow;
    }

    /** Whether the rule refers to other segments. */
    public boolean isComposable() {
        return !references.isEmpty();
    }

    /**
     * The rule in its canonical wire form: keys in a fixed order ({@code operator, conditions};
     * {@code attribute, op, value}; {@code segment}), integral numbers up to 2^53 as JSON integers.
     * Parsing it gives back an equal rule. Returns a fresh node on every call.
     */
    public ObjectNode toJson() {
        return RuleWriter.write(root);
    }

    /** {@link #toJson()} as compact text, equal for equal rules; usable as a cache key. */
    public String canonical() {
        try {
            return MAPPER.writeValueAsString(toJson());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Rule && ((Rule) other).root.equals(root);
    }

    @Override
    public int hashCode() {
        return root.hashCode();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
