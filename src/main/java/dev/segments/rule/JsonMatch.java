package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/** Comparisons of a present JSON attribute value with rule values, shared by the Java operators. */
final class JsonMatch {
    private JsonMatch() {}

    /** Same JSON type and equal; numbers as doubles with {@code ==}, so {@code -0.0} equals {@code 0}. */
    static Predicate<JsonNode> equalTo(RuleValue.Scalar value) {
        return value.fold(
                text -> attribute -> attribute.isTextual() && attribute.textValue().equals(text),
                number -> attribute -> attribute.isNumber() && attribute.doubleValue() == number,
                bool -> attribute -> attribute.isBoolean() && attribute.booleanValue() == bool);
    }

    /** Equal to at least one element of the list. */
    static Predicate<JsonNode> equalToAny(RuleValue.ScalarList list) {
        List<RuleValue.Scalar> items = list.items();
        @SuppressWarnings("unchecked")
        Predicate<JsonNode>[] tests = items.stream().map(JsonMatch::equalTo).toArray(Predicate[]::new);
        return attribute -> {
            for (Predicate<JsonNode> test : tests) {
                if (test.test(attribute)) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Two numbers in numeric order or two strings in code point order, with {@code accept} deciding
     * on the sign of the comparison (attribute versus value); any other pairing is false.
     */
    static Predicate<JsonNode> ordered(RuleValue.Scalar value, IntPredicate accept) {
        return value.fold(
                text -> attribute -> attribute.isTextual()
                        && accept.test(Texts.compareCodePoints(attribute.textValue(), text)),
                number -> attribute -> attribute.isNumber() && compareNumbers(attribute.doubleValue(), number, accept),
                bool -> attribute -> false);
    }

    /** Primitive comparisons, so that {@code -0.0} and {@code 0.0} compare equal ({@link Double#compare} would not). */
    private static boolean compareNumbers(double attribute, double value, IntPredicate accept) {
        if (Double.isNaN(attribute)) {
            return false;
        }
        return accept.test(attribute < value ? -1 : attribute > value ? 1 : 0);
    }

    /** A string containing {@code text}, or an array with a string element equal to it. */
    static Predicate<JsonNode> contains(String text) {
        return attribute -> {
            if (attribute.isTextual()) {
                return attribute.textValue().contains(text);
            }
            if (attribute.isArray()) {
                for (int i = 0; i < attribute.size(); i++) {
                    JsonNode element = attribute.get(i);
                    if (element.isTextual() && element.textValue().equals(text)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }
}
