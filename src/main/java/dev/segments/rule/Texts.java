package dev.segments.rule;

/** String helpers shared by the parser and the Java evaluator. */
final class Texts {
    private Texts() {}

    /**
     * Checks that {@code text} can be stored by PostgreSQL and travel as UTF-8: no U+0000 and no
     * unpaired surrogate. Records a problem and returns false otherwise.
     */
    static boolean checkStorable(String text, String pointer, Problems problems) {
        if (text.indexOf('\u0000') >= 0) {
            problems.add(pointer, "string must not contain the character U+0000 (PostgreSQL cannot store it)");
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                problems.add(pointer, "string contains an unpaired UTF-16 surrogate at index " + i);
                return false;
            }
        }
        return true;
    }

    /**
     * Compares two strings by Unicode code points (the order of their UTF-8 bytes), which differs
     * from {@link String#compareTo} (UTF-16 units) for characters outside the BMP.
     */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Integer.compare(a.codePointAt(i), b.codePointAt(i));
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
