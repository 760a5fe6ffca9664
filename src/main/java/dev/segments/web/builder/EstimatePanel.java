package dev.segments.web.builder;

import dev.segments.estimate.Estimate;
import dev.segments.estimate.Preview;
import dev.segments.web.Formats;
import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * The live estimate beside the builder: the estimate with its interval (or null when the rule is not
 * valid yet), the dry-run diff of an existing segment, messages not tied to a node, and one slot per
 * node with its count and errors (swapped into the tree out of band, so the inputs are never redrawn).
 */
@TemplateData
public record EstimatePanel(Estimate estimate, Preview preview, List<String> problems, List<Slot> slots, String ruleJson) {

    /** What is shown beside one node: its estimated count, and the errors reported at it. */
    @TemplateData
    public record Slot(String path, String count, String title, List<String> errors) {
    }

    public boolean isExact() {
        return estimate != null && "exact".equals(estimate.method());
    }

    public String getShare() {
        return estimate == null || estimate.population() == 0 ? "0.0%"
                : Formats.percent((double) estimate.estimate() / estimate.population());
    }

    public String getElapsed() {
        return estimate == null ? "" : Formats.millis(Math.round(estimate.elapsedMs()));
    }
}
