package dev.segments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The estimate workloads: a 1% sample estimate against an exact count of the same random rules
 * (through the API, so each answer's own {@code elapsed_ms} is what is compared), and the accuracy
 * of the reported 95% interval over 200 random rules (a 95% interval holds the exact size of about
 * 190 of them; with fewer rules, chance alone moves the count by several points). Sampling is forced ({@code "method": "sample"})
 * so that small runs, where the engine would count exactly, measure the sample too. Every request
 * has a rule or percent of its own, so no answer comes from the cache.
 */
final class EstimateBench {

    private static final Logger LOG = Logger.getLogger(EstimateBench.class);

    private final BenchClient api;
    private final ObjectMapper json;
    private final BenchSettings settings;
    /** {@code -Dbench.estimate-percent}: the sample size of the sampled estimates. */
    private final double percent = Double.parseDouble(System.getProperty("bench.estimate-percent", "1"));
    /** {@code -Dbench.estimate-timed-rules}: rules timed both ways (the median is reported). */
    private final int timed = Integer.getInteger("bench.estimate-timed-rules", 11);
    /** {@code -Dbench.estimate-accuracy-rules}: rules whose interval is checked against the exact size. */
    private final int accuracyRules = Integer.getInteger("bench.estimate-accuracy-rules", 200);

    EstimateBench(BenchClient api, ObjectMapper json, BenchSettings settings) {
        this.api = api;
        this.json = json;
        this.settings = settings;
    }

    BenchFigures.Estimates run(List<Long> referable) {
        BenchSegments rules = new BenchSegments(settings.seed() + 20);
        estimate(rules.rule(3, 12, List.of()), "exact", 100, 0); // warm-up
        double[] sample = new double[timed];
        double[] exact = new double[timed];
        for (int i = 0; i < timed; i++) {
            ObjectNode rule = rules.rule(3, 12, List.of());
            sample[i] = estimate(rule, "sample", percent, 0).path("elapsed_ms").asDouble();
            exact[i] = estimate(rule, "exact", 100, 0).path("elapsed_ms").asDouble();
        }
        int covered = 0;
        double width = 0;
        for (int i = 0; i < accuracyRules; i++) {
            ObjectNode rule = rules.rule(3, 12, referable);
            long truth = estimate(rule, "exact", 100, 0).path("estimate").asLong();
            JsonNode estimated = estimate(rule, "sample", percent, i);
            long low = estimated.path("ci95_low").asLong();
            long high = estimated.path("ci95_high").asLong();
            covered += low <= truth && truth <= high ? 1 : 0;
            width += (high - low) / (double) Math.max(1, estimated.path("population").asLong());
        }
        BenchFigures.Estimates figures = new BenchFigures.Estimates(percent, timed, median(sample),
                median(exact), accuracyRules, covered, width / Math.max(1, accuracyRules));
        LOG.infof("estimates: %.1f ms sampled vs %.1f ms exact; %d of %d intervals held the exact size",
                figures.sampleMillis(), figures.exactMillis(), covered, figures.accuracyRules());
        return figures;
    }

    /** {@code salt} makes the percent, and so the cache key, differ from any earlier request. */
    private JsonNode estimate(ObjectNode rule, String method, double percent, int salt) {
        ObjectNode body = json.createObjectNode();
        body.set("rules", rule);
        body.put("sample_percent", percent - salt * 1e-9).put("method", method);
        return api.post("/api/v1/segments/estimate", body.toString(), 200);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }
}
