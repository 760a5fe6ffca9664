package dev.segments.bench;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import jdk.jfr.Recording;

/**
 * {@code -Dbench.intake-profile=true}: where the time of one intake phase goes. Around the phase it
 * reads the CPU time of this JVM (the app and the benchmark's clients) and of every process of the
 * embedded PostgreSQL (children of its postmaster, from {@code /proc}), records a JFR profile
 * ({@code target/bench-intake.jfr}), and, when the database preloads {@code pg_stat_statements}
 * ({@code ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'} on a kept
 * {@code -Dbench.data-dir}, then restart), lists the statements by total time per batch.
 */
final class IntakeProfile {

    private static final Duration SQL_TIMEOUT = Duration.ofMinutes(5);

    private final Pool pool;
    private final boolean statements;
    private final long postmaster;
    private Recording recording;
    private long jvmCpuStart;
    private long pgTicksStart;
    private long wallStart;

    IntakeProfile(Pool pool) {
        this.pool = pool;
        this.statements = sql("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_stat_statements'") > 0
                && sql("SELECT count(*) FROM pg_settings WHERE name = 'shared_preload_libraries' AND setting LIKE '%pg_stat_statements%'") > 0;
        if (statements) {
            pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(SQL_TIMEOUT);
        }
        this.postmaster = parent(sql("SELECT pg_backend_pid()"));
    }

    static boolean enabled() {
        return Boolean.getBoolean("bench.intake-profile");
    }

    void start() {
        if (statements) {
            pool.query("SELECT pg_stat_statements_reset()").execute().await().atMost(SQL_TIMEOUT);
        }
        recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.start();
        jvmCpuStart = jvmCpuNanos();
        pgTicksStart = postgresTicks();
        wallStart = System.nanoTime();
    }

    /** Stops and answers the report, per batch of {@code batches} requests. */
    String stop(long batches) throws Exception {
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double jvm = (jvmCpuNanos() - jvmCpuStart) / 1e9;
        double pg = (postgresTicks() - pgTicksStart) / 100.0; // USER_HZ
        recording.stop();
        Path jfr = Path.of("target", "bench-intake.jfr");
        recording.dump(jfr);
        recording.close();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "Wall %.2f s; CPU: this JVM (app and clients) %.2f s = %.0f%% of one core, PostgreSQL %.2f s = %.0f%% of one core; "
                        + "per batch: JVM %.1f ms, PostgreSQL %.1f ms, wall %.1f ms. JFR: %s%n%n",
                wall, jvm, 100 * jvm / wall, pg, 100 * pg / wall, 1000 * jvm / batches, 1000 * pg / batches, 1000 * wall / batches, jfr));
        if (statements) {
            out.append("| ms per batch | calls per batch | mean ms | rows per call | statement |\n|---|---|---|---|---|\n");
            for (Row row : pool.query("""
                    SELECT total_exec_time, calls, mean_exec_time, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 160)
                    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    ORDER BY total_exec_time DESC LIMIT 25""").execute().await().atMost(SQL_TIMEOUT)) {
                long calls = row.getLong(1);
                out.append(String.format(Locale.ROOT, "| %.2f | %.2f | %.3f | %.1f | `%s` |%n", row.getDouble(0) / batches,
                        (double) calls / batches, row.getDouble(2), calls == 0 ? 0 : (double) row.getLong(3) / calls,
                        row.getString(4).replace("|", "\\|").replace("`", "'")));
            }
        } else {
            out.append("(pg_stat_statements not preloaded: no statement times)\n");
        }
        return out.toString();
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime (clock ticks) of the postmaster's children that are alive now. */
    private long postgresTicks() {
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                String[] stat = stat(proc);
                if (stat != null && (Long.parseLong(stat[1]) == postmaster || proc.getFileName().toString().equals(Long.toString(postmaster)))) {
                    ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return ticks;
    }

    /** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime. */
    private static String[] stat(Path proc) {
        try {
            String text = Files.readString(proc.resolve("stat"));
            return text.substring(text.lastIndexOf(')') + 2).split(" ");
        } catch (Exception e) {
            return null;
        }
    }

    private static long parent(long pid) {
        String[] stat = stat(Path.of("/proc", Long.toString(pid)));
        return stat == null ? -1 : Long.parseLong(stat[1]);
    }

    private long sql(String query) {
        return pool.query(query).execute().await().atMost(SQL_TIMEOUT).iterator().next().getLong(0);
    }
}
