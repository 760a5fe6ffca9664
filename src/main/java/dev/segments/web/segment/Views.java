package dev.segments.web.segment;

import dev.segments.compute.JobView;
import dev.segments.drift.Alert;
import dev.segments.drift.DriftPoint;
import dev.segments.export.Destination;
import dev.segments.export.ExportView;
import dev.segments.membership.Member;
import dev.segments.segment.SegmentView;
import java.util.List;
import java.util.Map;

/** What each part of the segment page shows; one record per part (and per fragment of the template). */
public final class Views {

    private Views() {
    }

    /** The header: name, counts, the latest compute and the rule sentence. */
    public record Header(SegmentView segment, JobView latest, List<RuleSentence.Token> sentence) {
        public long id() {
            return segment.id();
        }
    }

    public record Jobs(long id, List<JobView> jobs) {
        public boolean running() {
            return jobs.stream().anyMatch(j -> "running".equals(j.status()));
        }
    }

    public record Chart(long id, ChartRange range, DriftChart chart, List<DriftPoint> points) {
        public List<ChartRange> ranges() {
            return List.of(ChartRange.values());
        }
    }

    /** One page of members; {@code before}/{@code after}: the cursors of the previous/next page, or null. */
    public record Members(long id, List<Member> members, Long before, Long after) {
    }

    public record Alerts(long id, AlertForm form, Map<String, String> errors, boolean saved, List<Destination> webhooks,
            List<Alert> open) {
        public String error(String field) {
            return errors.get(field);
        }

        public boolean selected(long destinationId) {
            return String.valueOf(destinationId).equals(form.destinationId());
        }
    }

    public record ExportForm(String destinationId, String format, String mode) {
        static final ExportForm DEFAULT = new ExportForm("", "csv", "full");
    }

    public record Exports(long id, ExportForm form, Map<String, String> errors, List<Destination> destinations,
            List<ExportView> exports) {
        public String error(String field) {
            return errors.get(field);
        }

        /** The destination to preselect: the one chosen, or (none chosen) the first. */
        public boolean selected(long destinationId) {
            return String.valueOf(destinationId).equals(form.destinationId());
        }

        public boolean active() {
            return exports.stream().anyMatch(e -> "queued".equals(e.status()) || "running".equals(e.status()));
        }

        public List<String> formats() {
            return List.of("csv", "json", "ndjson");
        }

        public List<String> modes() {
            return List.of("full", "diff");
        }
    }
}
