package dev.segments.rule;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik arbitraries for rule trees over the pools of {@link RandomValues}. */
final class RandomRules {
    private RandomRules() {}

    /** Rules nested up to {@code depth} levels, parsed from their wire form. */
    static Arbitrary<Rule> rules(int depth) {
        return node(depth).map(root -> RuleParser.parse(RuleWriter.write(root), ""));
    }

    static Arbitrary<RuleNode> node(int depth) {
        Arbitrary<RuleNode> leaf = Arbitraries.frequencyOf(Tuple.of(6, condition()), Tuple.of(1, reference()));
        if (depth <= 1) {
            return leaf;
        }
        return Arbitraries.frequencyOf(Tuple.of(2, leaf), Tuple.of(3, Arbitraries.lazy(() -> group(depth))));
    }

    private static Arbitrary<RuleNode> group(int depth) {
        Arbitrary<RuleNode> child = node(depth - 1);
        return Arbitraries.of(Logic.values()).flatMap(logic -> logic == Logic.NOT
                ? child.map(only -> new Group(logic, List.of(only)))
                : child.list().ofMaxSize(4).map(children -> new Group(logic, children)));
    }

    private static Arbitrary<RuleNode> reference() {
        return Arbitraries.longs().between(1, 3).map(id -> new SegmentRef(id, ""));
    }

    /** Single conditions with a time operator, parsed from their wire form. */
    static Arbitrary<Rule> timeConditions() {
        List<Operator> time = List.of(Operator.BEFORE, Operator.AFTER, Operator.WITHIN_LAST, Operator.MORE_THAN_AGO);
        return Combinators.combine(Arbitraries.of(RandomValues.ATTRIBUTES), Arbitraries.of(time))
                .flatAs((name, op) -> value(op.shape()).map(value -> (RuleNode) new Condition(name, op, value)))
                .map(root -> RuleParser.parse(RuleWriter.write(root), ""));
    }

    private static Arbitrary<RuleNode> condition() {
        return Combinators.combine(Arbitraries.of(RandomValues.ATTRIBUTES), Arbitraries.of(Operator.values()))
                .flatAs((name, op) -> value(op.shape()).map(value -> new Condition(name, op, value)));
    }

    private static Arbitrary<RuleValue> value(ValueShape shape) {
        switch (shape) {
            case NONE:
                return Arbitraries.just(null);
            case SCALAR:
                return scalar().map(RuleValue.class::cast);
            case ORDERABLE:
                return Arbitraries.oneOf(text(), number()).map(RuleValue.class::cast);
            case TEXT:
                return text().map(RuleValue.class::cast);
            case SCALAR_LIST:
                return scalar().list().ofMinSize(1).ofMaxSize(4).map(RuleValue.ScalarList::new);
            case DATE:
                return Arbitraries.randomValue(RandomValues::date).map(RuleValue.Text::new);
            case SPAN:
                return Arbitraries.of(RandomValues.SPANS).map(RuleValue.class::cast);
            default:
                throw new IllegalArgumentException("no generator for " + shape);
        }
    }

    private static Arbitrary<RuleValue.Scalar> scalar() {
        return Arbitraries.frequencyOf(Tuple.of(3, text()), Tuple.of(3, number()),
                Tuple.of(1, Arbitraries.of(true, false).map(RuleValue.Bool::new)));
    }

    private static Arbitrary<RuleValue.Scalar> text() {
        Arbitrary<String> pooled = Arbitraries.of(RandomValues.STRINGS);
        Arbitrary<String> built = Arbitraries.of(toStrings(RandomValues.CODE_POINTS)).list().ofMaxSize(3)
                .map(parts -> String.join("", parts));
        return Arbitraries.oneOf(pooled, built).map(RuleValue.Text::new);
    }

    private static Arbitrary<RuleValue.Scalar> number() {
        return Arbitraries.oneOf(Arbitraries.of(RandomValues.NUMBERS),
                        Arbitraries.integers().between(-3, 3).map(Integer::doubleValue))
                .map(RuleValue.Numeric::new);
    }

    private static List<String> toStrings(int[] codePoints) {
        return java.util.Arrays.stream(codePoints).mapToObj(Character::toString).collect(java.util.stream.Collectors.toList());
    }
}
