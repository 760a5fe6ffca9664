package dev.segments.rule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

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

    /** The instant every property test evaluates at. */
    static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");

    /** Spans of time conditions; dates are built around {@code NOW} minus each of them. */
    static final List<RuleValue.Span> SPANS = List.of(
            new RuleValue.Span(1, SpanUnit.MINUTES), new RuleValue.Span(2, SpanUnit.HOURS),
            new RuleValue.Span(1, SpanUnit.DAYS), new RuleValue.Span(30, SpanUnit.DAYS),
            new RuleValue.Span(2, SpanUnit.WEEKS), new RuleValue.Span(RuleValue.Span.MAX_AMOUNT, SpanUnit.WEEKS));

    /** Instants dates are built around: now, the boundaries of the spans, fixed days, calendar edges. */
    static final List<Instant> INSTANTS = instants();

    /** Nudges applied to an instant, so that dates fall on, just inside and just outside boundaries. */
    private static final long[] NUDGE_NANOS = {
        0, 0, 0, 1_000, -1_000, 500, -500, 999, 1_000_000_000, -1_000_000_000, 86_400_000_000_000L, -3_600_000_000_000L};

    private static final String[] OFFSETS = {"Z", "Z", "+00:00", "-00:00", "+01:00", "-05:00", "+05:30", "+23:59", "-23:59"};

    /** Ways a date string is broken into a non-date (or, for some, still a date: the evaluators must agree). */
    private static final List<UnaryOperator<String>> BREAKS = List.of(
            s -> s.replace('T', ' '), s -> s.replace("T", "t").replace("Z", "z"), s -> s.substring(0, s.length() - 1),
            s -> s + "\n", s -> " " + s, s -> "+" + s, s -> s.replaceFirst("-[0-9]{2}-", "-13-"),
            s -> s.replaceFirst("-[0-9]{2}-[0-9]{2}", "-02-29"), s -> s.replaceFirst("-[0-9]{2}-[0-9]{2}", "-04-31"),
            s -> s.replaceFirst("-[0-9]{2}-[0-9]{2}", "-02-30"), s -> s.replaceFirst("T[0-9]{2}", "T24"),
            s -> s.replaceFirst(":[0-9]{2}(?=[.Z+-]|$)", ":60"), s -> s.replaceFirst("[+-][0-9]{2}:", "+24:"),
            s -> s.replaceFirst("([+-][0-9]{2}):([0-9]{2})$", "$1$2"), s -> s.replaceFirst("[.][0-9]+", "."),
            s -> s.replaceFirst("^[0-9]{4}", "0000"), s -> s.replaceFirst("^[0-9]{4}", "9999"));

    /** A string of up to three code points from {@link #CODE_POINTS}. */
    static String randomString(java.util.Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        return text.toString();
    }

    /** A valid date string near one of {@link #INSTANTS}, in a random form (date only, fraction digits, offset). */
    static String date(Random random) {
        Instant instant = INSTANTS.get(random.nextInt(INSTANTS.size()))
                .plusNanos(NUDGE_NANOS[random.nextInt(NUDGE_NANOS.length)]);
        if (random.nextInt(5) == 0) {
            return DateTimeFormatter.ISO_LOCAL_DATE.format(instant.atOffset(ZoneOffset.UTC));
        }
        String offset = OFFSETS[random.nextInt(OFFSETS.length)];
        int offsetMinutes = offset.equals("Z") ? 0 : (offset.charAt(0) == '-' ? -1 : 1)
                * (Integer.parseInt(offset.substring(1, 3)) * 60 + Integer.parseInt(offset.substring(4)));
        OffsetDateTime local = instant.atOffset(ZoneOffset.UTC).plusMinutes(offsetMinutes);
        if (local.getYear() > 9999 || local.getYear() < 0) {
            // at the ends of the range an offset can move the written date to year 10000 or -1, which
            // RULES.md does not accept as a date (a seed in CI drew 10000-01-01T00:59:59+01:00): write it in UTC
            offset = "Z";
            local = instant.atOffset(ZoneOffset.UTC);
        }
        String fraction = String.format("%09d", local.getNano());
        int digits = new int[] {0, 0, 1, 3, 6, 9, 12}[random.nextInt(7)];
        String written = digits == 0 ? "" : "." + (fraction + "000").substring(0, digits);
        return String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", local.getYear(), local.getMonthValue(),
                local.getDayOfMonth(), local.getHour(), local.getMinute(), local.getSecond(), written, offset);
    }

    /** A date string from {@link #date}, broken in some way half of the time. */
    static String dateOrNearMiss(Random random) {
        String date = date(random);
        return random.nextBoolean() ? date : BREAKS.get(random.nextInt(BREAKS.size())).apply(date);
    }

    private static List<Instant> instants() {
        List<Instant> instants = new ArrayList<>(List.of(NOW, Instant.parse("2025-01-15T00:00:00Z"),
                Instant.parse("2024-02-29T00:00:00Z"), Instant.parse("2000-03-01T00:00:00Z"),
                Instant.parse("0000-01-02T00:00:00Z"), Instant.parse("9999-12-30T23:59:59Z")));
        long nowMicros = Dates.micros(NOW);
        for (RuleValue.Span span : SPANS) {
            long micros = span.before(nowMicros);
            if (micros > Dates.micros(Instant.parse("0000-01-02T00:00:00Z"))) {
                instants.add(Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
            }
        }
        return List.copyOf(instants);
    }
}
