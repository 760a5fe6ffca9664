package dev.segments.rule;

import java.util.List;

/**
 * The small pools that random rules and random documents draw from, so that equal values, shared
 * prefixes and near misses happen often.
 */
final class RandomValues {
    private RandomValues() {}

    static final List<String> ATTRIBUTES = List.of(
            "a", "b", "n", "s", "tags", "a'b", "x\"y", "名前", "\uD83D\uDE00", "a.b", "$1", "?", " ", "x->y");

    /** Code points that make up random strings: ASCII, LIKE wildcards, BMP edge cases, non-BMP. */
    static final int[] CODE_POINTS = {
        'a', 'b', 'A', 'B', '1', '%', '_', '\\', '\'', 'é', '名', 0xE000, 0xFFFF, 0x10000, 0x1F600};

    static final List<String> STRINGS = List.of(
            "", "a", "ab", "b", "A", "1", "true", "%", "_", "a%", "a_b", "\uFFFF", "\uD83D\uDE00", "名前");

    static final List<Double> NUMBERS = List.of(
            0.0, -0.0, 1.0, -1.0, 1.5, 2.0, 0.1, 0.3, 0.30000000000000004, 42.0, 1e300, -1e300, 1e-300,
            9007199254740991.0, 9007199254740992.0);

    /** A string of up to three code points from {@link #CODE_POINTS}. */
    static String randomString(java.util.Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        return text.toString();
    }
}
