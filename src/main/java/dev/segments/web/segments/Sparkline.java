package dev.segments.web.segments;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The geometry of a small inline SVG line of recent member counts, oldest first: the {@code points}
 * of a polyline in a {@value #WIDTH}×{@value #HEIGHT} box and a text summary for its {@code <title>}.
 */
public record Sparkline(String points, String summary, boolean drawable) {

    public static final int WIDTH = 100;
    public static final int HEIGHT = 24;
    private static final double PAD = 2;

    public static Sparkline of(List<Long> counts) {
        if (counts.isEmpty()) {
            return new Sparkline("", "no completed compute yet", false);
        }
        long min = counts.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = counts.stream().mapToLong(Long::longValue).max().orElse(0);
        double span = Math.max(1, max - min);
        double step = counts.size() == 1 ? 0 : (WIDTH - 2 * PAD) / (counts.size() - 1);
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < counts.size(); i++) {
            double x = PAD + i * step;
            double y = HEIGHT - PAD - (counts.get(i) - min) / span * (HEIGHT - 2 * PAD);
            points.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", x, y));
        }
        if (counts.size() == 1) {
            points.append(String.format(Locale.ROOT, " %.1f,%s", WIDTH - PAD, points.substring(points.indexOf(",") + 1)));
        }
        String summary = "Member count over the last " + counts.size() + " computes: "
                + counts.stream().map(n -> String.format(Locale.ROOT, "%,d", n)).collect(Collectors.joining(" → "));
        return new Sparkline(points.toString(), summary, true);
    }
}
