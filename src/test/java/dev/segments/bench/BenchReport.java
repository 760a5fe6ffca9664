package dev.segments.bench;

import dev.segments.bench.BenchFigures.Compute;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.util.Locale;

/** Machine facts and the Markdown table of one run. */
final class BenchReport {

    private BenchReport() {
    }

    static BenchFigures.Machine machine(Pool pool) {
        Row row = pool.query("""
                SELECT version(), current_setting('shared_buffers'), current_setting('work_mem'),
                       pg_size_pretty(pg_total_relation_size('user_attribute_snapshot'))""")
                .execute().await().atMost(Duration.ofMinutes(1)).iterator().next();
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        return new BenchFigures.Machine(Runtime.getRuntime().availableProcessors(), java, row.getString(0),
                row.getString(1), row.getString(2), row.getString(3));
    }

    static String markdown(BenchFigures f, String command) {
        BenchSettings s = f.settings();
        Compute steady = f.steadyState();
        Compute first = f.firstCompute();
        double steadyRatio = steady.wallSeconds() / f.readAllSeconds();
        double incrementalRatio = steady.wallSeconds() / f.incremental().seconds();
        StringBuilder md = new StringBuilder();
        md.append("## Engine benchmark\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append(fmt("Machine: %d cores; %s; %s; shared_buffers %s, work_mem %s (embedded PostgreSQL "
                + "with fsync and synchronous_commit on, max_connections=200).%n%n", f.machine().cores(), f.machine().java(), f.machine().postgres(),
                f.machine().sharedBuffers(), f.machine().workMem()));
        md.append(fmt("Data: %,d users with 15 attributes (%,d bytes of attribute JSON; table with indexes %s), "
                + "%d segments of %d–%d conditions (mean %.1f), %d of them composable. Ratios compare figures of "
                + "this one run; absolute times depend on the (shared) machine.%n%n", s.users(), f.snapshotBytes(),
                f.machine().tableSize(), f.shape().segments(), f.shape().minConditions(), f.shape().maxConditions(),
                f.shape().meanConditions(), f.shape().composable()));
        md.append("| # | Measure | Result | Ratio | Target |\n|---|---|---|---|---|\n");
        row(md, "", "Generate users (one INSERT … SELECT, then VACUUM ANALYZE)", fmt("%.2f s", f.generateUsersSeconds()), "", "");
        row(md, "", "Physical limit: `SELECT sum(length(attributes::text)) FROM user_attribute_snapshot` (median of 3, warm)",
                fmt("%.3f s", f.readAllSeconds()), "1×", "");
        row(md, "1", fmt("Steady-state full recompute of all %d segments (`POST /api/v1/compute/full`, nothing changed "
                + "since the last one, writes vacuumed)", steady.jobs()), fmt("%.2f s wall (%.2f s inside the jobs); %,d changes written", steady.wallSeconds(),
                steady.jobSeconds(), steady.changes()), fmt("%.1f× the full read", steadyRatio),
                verdict(steadyRatio <= 4, "≤ 4×"));
        row(md, "2", "First full compute (segments created one by one through the API, each job awaited)",
                fmt("%.2f s wall (%.2f s inside the jobs); %,d memberships written", first.wallSeconds(),
                        first.jobSeconds(), first.added()),
                fmt("%,.0f memberships/s (job time)", first.added() / first.jobSeconds()), "");
        Compute rightAfter = f.rightAfterFirstCompute();
        row(md, "", "Full recompute right after #2, while the database still has to vacuum #2's writes",
                fmt("%.2f s wall; %,d changes written", rightAfter.wallSeconds(), rightAfter.changes()),
                fmt("%.1f× the full read", rightAfter.wallSeconds() / f.readAllSeconds()), "");
        row(md, "", "`VACUUM (ANALYZE)` of the tables #2 wrote (what autovacuum does next)",
                fmt("%.2f s", f.vacuumSeconds()), "", "");
        row(md, "3", fmt("Incremental pass, 1%% of users dirty (%,d users; attributes changed in the table, "
                        + "memberships not yet applied: every change is written by the pass)", f.incremental().dirtyUsers()),
                fmt("%.3f s; %,d users evaluated, +%,d / −%,d", f.incremental().seconds(), f.incremental().users(),
                        f.incremental().added(), f.incremental().removed()),
                fmt("%.1f× faster than #1", incrementalRatio), verdict(incrementalRatio >= 50, "≥ 50×"));
        BenchFigures.Incremental afterEvents = f.incrementalAfterEvents();
        double afterEventsRatio = steady.wallSeconds() / afterEvents.seconds();
        row(md, "3b", fmt("Incremental pass, 1%% of users dirty through `POST /api/v1/events` (%,d users; memberships "
                        + "already current, the pass re-checks all segments)", afterEvents.dirtyUsers()),
                fmt("%.3f s; %,d users evaluated, +%,d / −%,d", afterEvents.seconds(), afterEvents.users(),
                        afterEvents.added(), afterEvents.removed()),
                fmt("%.1f× faster than #1", afterEventsRatio), verdict(afterEventsRatio >= 50, "≥ 50×"));
        row(md, "4a", fmt("Events through `POST /api/v1/events`: %,d events, %d per request, %d concurrent clients",
                        f.events().events(), f.events().perRequest(), f.events().clients()),
                fmt("%,.0f events/s (%.2f s); %,d joins, %,d leaves", f.events().perSecond(), f.events().seconds(),
                        f.events().joined(), f.events().left()), "", "");
        row(md, "4b", fmt("Single-event requests, one at a time (%,d timed)", f.events().latencyRequests()),
                fmt("p50 %.2f ms, p99 %.2f ms", f.events().p50Millis(), f.events().p99Millis()), "", "");
        row(md, "5", fmt("In-memory evaluator (`RuleEvaluator.compile`), 10-condition rule, %d users' documents, "
                + "JMH (1 fork, %d × 1 s)", EvaluatorBenchmark.USERS, s.jmhIterations()), nanos(f.evaluatorNanos()), "", "");
        BenchFigures.Estimates e = f.estimates();
        row(md, "6a", fmt("Size estimate, %s%% sample (Bernoulli over the stored 2%% hash sample), vs exact count of the same rule (`POST /api/v1/segments/estimate`, "
                        + "median of %d random rules, the answers' own `elapsed_ms`)", e.percent(), e.timedRules()),
                fmt("%.1f ms sampled / %.1f ms exact", e.sampleMillis(), e.exactMillis()),
                fmt("%.1f× faster", e.speedup()),
                verdict(e.speedup() >= 20 && e.sampleMillis() <= 100, "≥ 20× and ≤ 100 ms"));
        row(md, "6b", fmt("Estimate accuracy: %d random rules (some composable), %s%% sample each, exact size inside the "
                        + "reported 95%% interval", e.accuracyRules(), e.percent()),
                fmt("%d of %d = %.1f%% (mean interval width %.2f%% of the population)", e.covered(), e.accuracyRules(),
                        100.0 * e.covered() / Math.max(1, e.accuracyRules()), 100 * e.meanWidthShare()), "",
                verdict(e.covered() >= Math.ceil(0.93 * e.accuracyRules()), "≥ 93%"));
        exportRows(md, f.export());
        row(md, "", "Check: incremental pass that drained the users dirtied by #4",
                fmt("%,d users, +%,d / −%,d, %.2f s", f.drain().users(), f.drain().added(), f.drain().removed(),
                        f.drain().seconds()), "", "");
        Compute after = f.steadyStateAfterChanges();
        row(md, "", "Check: full recompute after #3 and #4 (must write nothing)",
                fmt("%.2f s wall; %,d changes written", after.wallSeconds(), after.changes()),
                fmt("%.1f× the full read", after.wallSeconds() / f.readAllSeconds()), "");
        row(md, "", fmt("Check: %,d sampled users × %d segments re-derived by the evaluator and by SQL",
                        f.audit().users(), f.audit().segments()),
                fmt("%d / %d mismatches", f.audit().evaluatorMismatches(), f.audit().sqlMismatches()), "", "");
        return md.toString();
    }

    /** The export rows (#7), also the whole table of an export-only run ({@code -Dbench.only=export}). */
    static void exportRows(StringBuilder md, BenchFigures.Export x) {
        double perMillion = 1_000_000.0 / Math.max(1, x.members());
        row(md, "", fmt("Same-run baseline: plain `COPY (SELECT user_id … ORDER BY user_id) TO STDOUT` of the %,d members "
                + "through the JDBC driver, drained (median of 3)", x.members()),
                fmt("%.0f ms (%.0f ms per 1M)", 1000 * x.copySeconds(), 1000 * x.copySeconds() * perMillion), "1×", "");
        String[][] runs = {
            {"7a", "full, first (baseline written)", Double.toString(x.fullFirstSeconds()), Long.toString(x.members())},
            {"7b", "full, again (nothing changed)", Double.toString(x.fullAgainSeconds()), Long.toString(x.members())},
            {"7c", "full, after 1% of the members changed", Double.toString(x.fullChangedSeconds()), Long.toString(x.members())},
            {"7d", "diff, first (every member entered)", Double.toString(x.diffFirstSeconds()), Long.toString(x.diffFirstLines())},
            {"7e", "diff, again (nothing changed)", Double.toString(x.diffAgainSeconds()), Long.toString(x.diffAgainLines())},
            {"7f", fmt("diff, after 1%% of the members changed (+%,d / −%,d)", x.diffChangedEntered(), x.diffChangedLeft()),
                Double.toString(x.diffChangedSeconds()), Long.toString(x.diffChangedLines())},
        };
        for (String[] run : runs) {
            double seconds = Double.parseDouble(run[2]);
            row(md, run[0], fmt("Export %,d members to CSV (`POST /api/v1/segments/{id}/exports`, directory destination, "
                    + "request to completed job): %s", x.members(), run[1]),
                    fmt("%.0f ms, %,d lines (%.0f ms per 1M members)", 1000 * seconds, Long.parseLong(run[3]),
                            1000 * seconds * perMillion),
                    fmt("%.1f× the COPY", seconds / x.copySeconds()),
                    verdict(seconds * perMillion <= 3, "≤ 3 s per 1M"));
        }
        BenchFigures.ExportHeap heap = x.heap();
        row(md, "7g", fmt("Heap held by first CSV exports (full / diff, new destinations), %,d vs %,d members: peak of the "
                + "heap used after a forced full GC every 50 ms during each, minus before (%d samples; untimed runs)",
                heap.smallMembers(), heap.largeMembers(), heap.samples()),
                fmt("%,d members: %.2f / %.2f MB; %,d members: %.2f / %.2f MB", heap.smallMembers(), heap.smallFullBytes() / 1e6,
                        heap.smallDiffBytes() / 1e6, heap.largeMembers(), heap.largeFullBytes() / 1e6, heap.largeDiffBytes() / 1e6),
                fmt("%.2f× for %.0f× the members; %.2f bytes per extra member", heap.ratio(),
                        (double) heap.largeMembers() / Math.max(1, heap.smallMembers()), heap.bytesPerExtraMember()),
                verdict(heap.bytesPerExtraMember() < 2, "flat: < 2 bytes per extra member (the id lists it replaces held ≥ 16)"));
    }

    /** The report of an export-only run. */
    static String exportMarkdown(BenchFigures.Machine machine, BenchFigures.Export export, String command) {
        StringBuilder md = new StringBuilder("## Export benchmark\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append(fmt("Machine: %d cores; %s; %s; shared_buffers %s, work_mem %s (embedded PostgreSQL "
                + "with fsync and synchronous_commit on).%n%n", machine.cores(), machine.java(), machine.postgres(),
                machine.sharedBuffers(), machine.workMem()));
        md.append("| # | Measure | Result | Ratio | Target |\n|---|---|---|---|---|\n");
        exportRows(md, export);
        return md.toString();
    }

    private static String nanos(EvaluatorBenchmark.Score score) {
        return Double.isNaN(score.error()) ? fmt("%.1f ns per (user, segment)", score.nanos())
                : fmt("%.1f ± %.1f ns per (user, segment) (99.9%% CI)", score.nanos(), score.error());
    }

    private static void row(StringBuilder md, String number, String measure, String result, String ratio, String target) {
        md.append("| ").append(number).append(" | ").append(measure).append(" | ").append(result).append(" | ")
                .append(ratio).append(" | ").append(target).append(" |\n");
    }

    private static String verdict(boolean met, String target) {
        return target + (met ? " — met" : " — **missed**");
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
