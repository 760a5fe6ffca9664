package dev.segments.bench;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * {@code -Dbench.only=import}: the NDJSON import of the generated users through
 * {@code POST /api/v1/users/import}, against the same-run baseline of an {@code INSERT … SELECT} of the
 * same rows (same attributes, other ids) into {@code user_attribute_snapshot}, which fires the same
 * triggers but parses, validates and flags nothing. The NDJSON is written to a file first (not timed);
 * each import and each baseline inserts new users, which are deleted and vacuumed away afterwards, so
 * every timed statement starts from the same table. Once with numeric ids, once with string ids
 * ({@code "user_<n>"}, mapped through {@code user_key}); the string-id users are kept for
 * {@link IntakeBench}.
 */
final class ImportBench {

    private static final Logger LOG = Logger.getLogger(ImportBench.class);
    private static final Duration SQL_TIMEOUT = Duration.ofHours(1);
    /** Imported users are the generated ones moved up by this (numeric ids), the baseline's by twice it. */
    static final long OFFSET = 100_000_000L;
    /** The external id of generated user {@code firstUserId + n} when imported under a string id. */
    static final String STRING_PREFIX = "user_";

    private final Pool pool;
    private final BenchClient api;
    private final BenchSettings settings;
    private final Path workDir;

    ImportBench(Pool pool, BenchClient api, BenchSettings settings, Path workDir) {
        this.pool = pool;
        this.api = api;
        this.settings = settings;
        this.workDir = workDir;
    }

    /** The rows of the import table, as markdown. */
    String run(String command) throws Exception {
        ensureUsers(pool, settings);
        Path numeric = writeNdjson("numeric", "(user_id + " + OFFSET + ")");
        Path strings = writeNdjson("strings", "'" + STRING_PREFIX + "' || (user_id - " + settings.firstUserId() + ")");
        double baselineBefore = insertSelect();
        double importNumeric = importFile(numeric);
        deleteRange(settings.firstUserId() + OFFSET);
        double baselineAfter = insertSelect();
        deleteStringUsers();
        double importStrings = importStrings(strings);
        Files.deleteIfExists(numeric);
        Files.deleteIfExists(strings);
        double baseline = Math.min(baselineBefore, baselineAfter);
        long n = settings.users();
        StringBuilder out = new StringBuilder("## Import benchmark\n\nCommand: `" + command + "`\n\n");
        out.append("| # | Measure | Result | Ratio | Target |\n|---|---|---|---|---|\n");
        out.append(row("", "Same-run baseline: `INSERT INTO user_attribute_snapshot (user_id, attributes) SELECT user_id + k, attributes FROM …` of the "
                + String.format(Locale.ROOT, "%,d", n) + " generated users (new ids; the lower of one before and one after the imports; "
                + String.format(Locale.ROOT, "%.2f / %.2f s)", baselineBefore, baselineAfter), baseline, n, 1, ""));
        out.append(row("1d", "NDJSON import through `POST /api/v1/users/import`, numeric ids (one streamed request, new users)",
                importNumeric, n, importNumeric / baseline, "≤ 5×"));
        out.append(row("1e", "the same with string ids (`\"user_<n>\"`, each mapped to a new internal id through `user_key`)",
                importStrings, n, importStrings / baseline, ""));
        return out.toString();
    }

    private static String row(String number, String measure, double seconds, long users, double ratio, String target) {
        String verdict = target.isEmpty() ? "" : target + (ratio <= 5 ? " — met" : " — **missed**");
        return String.format(Locale.ROOT, "| %s | %s | %.2f s (%,.0f users/s) | %.1f× | %s |%n", number, measure, seconds,
                users / seconds, ratio, verdict);
    }

    /** Generates the users unless a previous run kept them (-Dbench.data-dir). */
    static void ensureUsers(Pool pool, BenchSettings settings) {
        long present = pool.preparedQuery("SELECT count(*) FROM user_attribute_snapshot WHERE user_id > $1 AND user_id <= $2")
                .execute(Tuple.of(settings.firstUserId(), settings.lastUserId())).await().atMost(SQL_TIMEOUT)
                .iterator().next().getLong(0);
        if (present == settings.users()) {
            return;
        }
        pool.query(BenchUsers.CREATE_PICK).execute().await().atMost(SQL_TIMEOUT);
        List<Object> args = new ArrayList<>(List.of(settings.users(), settings.firstUserId()));
        args.addAll(Arrays.asList(BenchUsers.pools()));
        long start = System.nanoTime();
        pool.preparedQuery(BenchUsers.INSERT).execute(Tuple.tuple(args)).await().atMost(SQL_TIMEOUT);
        pool.query("VACUUM ANALYZE user_attribute_snapshot").execute().await().atMost(SQL_TIMEOUT);
        LOG.infof("generated %,d users in %.1f s", settings.users(), (System.nanoTime() - start) / 1e9);
    }

    private Path writeNdjson(String name, String idExpression) throws Exception {
        Path file = workDir.resolve("bench-import-" + name + ".ndjson");
        AgroalDataSource dataSource = Arc.container().instance(AgroalDataSource.class).get();
        // the generated attributes hold no backslash, tab or newline, so COPY's text format is the JSON itself
        String sql = "COPY (SELECT json_build_object('user_id', " + idExpression + ", 'attributes', attributes) FROM user_attribute_snapshot"
                + " WHERE user_id > " + settings.firstUserId() + " AND user_id <= " + settings.lastUserId() + " ORDER BY user_id) TO STDOUT";
        try (Connection conn = dataSource.getConnection(); OutputStream out = Files.newOutputStream(file)) {
            conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
        }
        LOG.infof("wrote %s (%,d bytes)", file, Files.size(file));
        return file;
    }

    private double importFile(Path file) {
        long start = System.nanoTime();
        long imported = api.postFile("/api/v1/users/import", file, "application/x-ndjson").path("imported").asLong();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (imported != settings.users()) {
            throw new IllegalStateException("imported " + imported + " of " + settings.users());
        }
        LOG.infof("imported %s: %,d users in %.2f s", file.getFileName(), imported, seconds);
        return seconds;
    }

    private double insertSelect() {
        long to = settings.firstUserId() + 2 * OFFSET;
        long start = System.nanoTime();
        sql("INSERT INTO user_attribute_snapshot (user_id, attributes) SELECT user_id + $3, attributes FROM user_attribute_snapshot "
                + "WHERE user_id > $1 AND user_id <= $2", Tuple.of(settings.firstUserId(), settings.lastUserId(), 2 * OFFSET));
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.infof("INSERT … SELECT of %,d users in %.2f s", settings.users(), seconds);
        deleteRange(to);
        return seconds;
    }

    /** Deletes the users {@code from + 1 .. from + users} and their flags, then vacuums (not timed). */
    private void deleteRange(long from) {
        Tuple range = Tuple.of(from, from + settings.users());
        sql("DELETE FROM user_attribute_snapshot WHERE user_id > $1 AND user_id <= $2", range);
        sql("DELETE FROM dirty_user WHERE user_id > $1 AND user_id <= $2", range);
        pool.query("VACUUM ANALYZE user_attribute_snapshot, dirty_user, estimate_sample").execute().await().atMost(SQL_TIMEOUT);
    }

    private void sql(String sql, Tuple args) {
        pool.preparedQuery(sql).execute(args).await().atMost(SQL_TIMEOUT);
    }

    /**
     * Makes sure every generated user also exists under its string id (imported through the API unless a
     * previous run kept them); answers false when the app refuses string ids.
     */
    boolean ensureStringUsers() throws Exception {
        long present = pool.preparedQuery("SELECT count(*) FROM user_key k JOIN user_attribute_snapshot s ON s.user_id = k.id "
                + "WHERE k.external_id LIKE $1").execute(Tuple.of(STRING_PREFIX + "%")).await().atMost(SQL_TIMEOUT).iterator().next().getLong(0);
        if (present == settings.users()) {
            return true;
        }
        Path strings = writeNdjson("strings", "'" + STRING_PREFIX + "' || (user_id - " + settings.firstUserId() + ")");
        try {
            return !Double.isNaN(importStrings(strings));
        } finally {
            Files.deleteIfExists(strings);
            sql("DELETE FROM dirty_user WHERE user_id >= $1", Tuple.of(1L << 62)); // no pass runs in the benchmark
        }
    }

    /** The string-id import, or NaN when the app refuses string ids (code from before they were accepted). */
    private double importStrings(Path file) {
        try {
            return importFile(file);
        } catch (IllegalStateException e) {
            LOG.warnf("the string-id import failed: %s", e.getMessage());
            return Double.NaN;
        }
    }

    /** Users a previous run imported under string ids (their user_key rows stay: ids are never reused). */
    private void deleteStringUsers() {
        sql("DELETE FROM dirty_user WHERE user_id IN (SELECT id FROM user_key WHERE external_id LIKE $1)", Tuple.of(STRING_PREFIX + "%"));
        sql("DELETE FROM user_attribute_snapshot WHERE user_id IN (SELECT id FROM user_key WHERE external_id LIKE $1)",
                Tuple.of(STRING_PREFIX + "%"));
        pool.query("VACUUM ANALYZE user_attribute_snapshot, dirty_user, estimate_sample").execute().await().atMost(SQL_TIMEOUT);
    }
}
