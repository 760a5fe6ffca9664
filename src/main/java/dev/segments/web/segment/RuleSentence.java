package dev.segments.web.segment;

import dev.segments.rule.Condition;
import dev.segments.rule.Group;
import dev.segments.rule.Logic;
import dev.segments.rule.RuleNode;
import dev.segments.rule.RuleValue;
import dev.segments.rule.SegmentRef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A rule tree as a readable sentence, e.g. {@code country is "US" and (tier is "premium" or
 * referral is "partner")}: a list of tokens that the page renders (attribute names and values styled,
 * segment references as links). Text is never markup: the template escapes every token.
 */
public final class RuleSentence {

    /** One piece of the sentence. {@code kind}: word, attr, val or ref (then {@code segmentId} is set). */
    public record Token(String kind, String text, Long segmentId) {

        static Token word(String text) {
            return new Token("word", text, null);
        }

        public boolean isRef() {
            return segmentId != null;
        }
    }

    private final Map<Long, String> names;
    private final List<Token> tokens = new ArrayList<>();

    private RuleSentence(Map<Long, String> names) {
        this.names = names;
    }

    /** The sentence of a rule; {@code names} maps referenced segment ids to their names. */
    public static List<Token> of(RuleNode root, Map<Long, String> names) {
        RuleSentence sentence = new RuleSentence(names);
        sentence.node(root, false);
        return List.copyOf(sentence.tokens);
    }

    /** The sentence as plain text (tokens joined), for tests and titles. */
    public static String text(List<Token> tokens) {
        return tokens.stream().map(Token::text).collect(Collectors.joining());
    }

    private void node(RuleNode node, boolean nested) {
        node.accept(new RuleNode.Visitor<Void>() {
            @Override
            public Void group(Group group) {
                RuleSentence.this.group(group, nested);
                return null;
            }

            @Override
            public Void condition(Condition condition) {
                RuleSentence.this.condition(condition);
                return null;
            }

            @Override
            public Void segmentRef(SegmentRef ref) {
                tokens.add(Token.word("member of "));
                String name = names.get(ref.segmentId());
                tokens.add(new Token("ref", name == null ? "segment #" + ref.segmentId() : name, ref.segmentId()));
                return null;
            }
        });
    }

    private void group(Group group, boolean nested) {
        if (group.logic() == Logic.NOT) {
            tokens.add(Token.word("not ("));
            node(group.children().get(0), false);
            tokens.add(Token.word(")"));
            return;
        }
        if (group.children().isEmpty()) {
            tokens.add(Token.word(group.logic() == Logic.AND ? "every user" : "no user"));
            return;
        }
        if (group.children().size() == 1) {
            node(group.children().get(0), nested);
            return;
        }
        String joiner = group.logic() == Logic.AND ? " and " : " or ";
        if (nested) {
            tokens.add(Token.word("("));
        }
        for (int i = 0; i < group.children().size(); i++) {
            if (i > 0) {
                tokens.add(Token.word(joiner));
            }
            node(group.children().get(i), true);
        }
        if (nested) {
            tokens.add(Token.word(")"));
        }
    }

    private void condition(Condition c) {
        tokens.add(new Token("attr", c.attribute(), null));
        switch (c.op()) {
            case EQ -> value(" is ", c.value());
            case NEQ -> value(" is not ", c.value());
            case GT -> value(" is greater than ", c.value());
            case GTE -> value(" is at least ", c.value());
            case LT -> value(" is less than ", c.value());
            case LTE -> value(" is at most ", c.value());
            case IN -> value(" is one of ", c.value());
            case NOT_IN -> value(" is none of ", c.value());
            case CONTAINS -> value(" contains ", c.value());
            case IS_NULL -> tokens.add(Token.word(" is not set"));
            case IS_NOT_NULL -> tokens.add(Token.word(" is set"));
            case BEFORE -> value(" is before ", c.value());
            case AFTER -> value(" is after ", c.value());
            case WITHIN_LAST -> value(" within the last ", c.value());
            case MORE_THAN_AGO -> {
                value(" more than ", c.value());
                tokens.add(Token.word(" ago"));
            }
        }
    }

    private void value(String words, RuleValue value) {
        tokens.add(Token.word(words));
        tokens.add(new Token("val", format(value), null));
    }

    static String format(RuleValue value) {
        if (value instanceof RuleValue.Scalar scalar) {
            return scalar.fold(text -> "\"" + text + "\"", RuleSentence::number, String::valueOf);
        }
        if (value instanceof RuleValue.ScalarList list) {
            return list.items().stream().map(RuleSentence::format).collect(Collectors.joining(", "));
        }
        RuleValue.Span span = (RuleValue.Span) value;
        String unit = span.unit().wire();
        return span.amount() + " " + (span.amount() == 1 ? unit.substring(0, unit.length() - 1) : unit);
    }

    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
