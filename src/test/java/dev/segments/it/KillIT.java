package dev.segments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * SIGKILL of the app in the middle of a full recompute, of a dirty-user pass and of a webhook export,
 * each detected from the database, and of a directory export, its file writer held halfway through
 * by a named pipe ({@link StalledFifo}); then a restart: no job stays running, no dirty flag is lost,
 * the webhook export resumes and delivers every member, the directory export is redone into a file
 * and manifest that are exact with no temporary file left and a baseline the next diff agrees with,
 * and memberships equal a from-scratch evaluation row for row.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillIT {

    private static final int USERS = 100_000;
    private static final int SEGMENTS = 12;
    private static final int DIRTY = 12_000;
    static final FaultFigures FIGURES = FaultFigures.of("kill");
    /** Where directory destinations may lie ({@code segments.exports.root}), emptied before the test. */
    private static final Path EXPORTS_ROOT = Path.of("target", "it-exports", "kill").toAbsolutePath();
    /** What the test reads of a directory export's file before it stops reading: the pipe then fills up. */
    private static final int READ_BEFORE_KILL = 64 * 1024;

    private static ItDatabase database;
    private static AppProcess app;
    private static Connection db;
    private static Map<Long, Population.Definition> segments;

    @BeforeAll
    static void start() throws SQLException, IOException {
        database = new ItDatabase("kill");
        deleteRecursively(EXPORTS_ROOT);
        Map<String, String> settings = new HashMap<>(Map.of(
                "SEGMENTS_INCREMENTAL_EVERY", "1s", "SEGMENTS_INCREMENTAL_BATCH_SIZE", "1000",
                "SEGMENTS_INSTANCES_HEARTBEAT", "1s", "SEGMENTS_INSTANCES_DEAD_AFTER", "4s",
                "SEGMENTS_EXPORTS_STALE_AFTER", "4s", "SEGMENTS_EXPORTS_POLL", "1s",
                "SEGMENTS_EXPORTS_ALLOW_PRIVATE_WEBHOOKS", "true", "SEGMENTS_EXPORTS_BACKOFF_BASE", "20ms",
                "SEGMENTS_SWEEP_CRON", "off", "SEGMENTS_TIME_DEPENDENT_EVERY", "off"));
        settings.put("SEGMENTS_EXPORTS_ROOT", EXPORTS_ROOT.toString());
        app = AppProcess.start("kill", database, settings);
        db = database.connect();
        segments = Population.createSegments(app.http(), "kill", Population.definitions(SEGMENTS));
        await("first computes of the empty segments", Duration.ofSeconds(60), () -> runningJobs() == 0);
        Population.insertUsers(db, 1, USERS); // no flags: every membership is now stale
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(app, db, database);
        FIGURES.write();
    }

    @Test
    @Order(1)
    void shouldResumeAFullRecomputeKilledHalfway() throws Exception {
        List<Long> jobs = new ArrayList<>();
        app.http().expect(202, "/api/v1/compute/full", null).get("job_ids").forEach(id -> jobs.add(id.asLong()));
        String ids = "(" + String.join(",", jobs.stream().map(String::valueOf).toList()) + ")";
        await("a full recompute with some jobs completed and others running", Duration.ofSeconds(120),
                () -> count("SELECT count(*) FROM segment_compute_job WHERE status = 'completed' AND id IN " + ids) >= 1
                        && count("SELECT count(*) FROM segment_compute_job WHERE status = 'running' AND id IN " + ids) >= 2);
        long runningAtKill = count("SELECT count(*) FROM segment_compute_job WHERE status = 'running' AND id IN " + ids);
        kill();

        app.restart();
        await("every job of the killed recompute to end", Duration.ofSeconds(120),
                () -> count("SELECT count(*) FROM segment_compute_job WHERE status = 'running' AND id IN " + ids) == 0);
        assertEquals(jobs.size(), count("SELECT count(*) FROM segment_compute_job WHERE status = 'completed' AND id IN " + ids),
                "the jobs left running by the killed instance are run again, not lost");
        assertTrue(count("SELECT count(DISTINCT owner) FROM segment_compute_job WHERE id IN " + ids) >= 2,
                "the restarted instance took the orphaned jobs over");
        assertExact("after the resumed full recompute");
        FIGURES.add("full recompute killed with " + runningAtKill + " of " + jobs.size() + " jobs running; all resumed");
    }

    @Test
    @Order(2)
    void shouldLoseNoDirtyFlagWhenAPassIsKilledHalfway() throws Exception {
        Population.changeScoresAndMarkDirty(db, 1, DIRTY, 41);
        await("a dirty-user pass with some batches committed", Duration.ofSeconds(120),
                () -> count("SELECT count(*) FROM segment_compute_job WHERE kind = 'incremental' AND status = 'running'") > 0
                        && count("SELECT count(*) FROM dirty_user") <= DIRTY - 2_000);
        kill();
        long stillDirty = count("SELECT count(*) FROM dirty_user");
        assertTrue(stillDirty > 0, "the pass was not halfway: nothing left dirty");
        long orphanRows = count("SELECT count(*) FROM segment_compute_job WHERE kind = 'incremental' AND status = 'running'");
        assertTrue(orphanRows > 0);
        // every user dirtied before the kill is still dirty, or was processed in a committed batch
        assertEquals(0, Population.mismatches(db, segments, "user_id <= " + DIRTY
                + " AND user_id NOT IN (SELECT user_id FROM dirty_user)"), "a processed user's memberships are not exact");

        app.restart();
        await("the pass to finish on the restarted instance", Duration.ofSeconds(120),
                () -> count("SELECT count(*) FROM dirty_user") == 0 && runningJobs() == 0);
        assertEquals(orphanRows, count("SELECT count(*) FROM segment_compute_job WHERE kind = 'incremental' AND status = 'failed'"
                + " AND error LIKE 'interrupted%'"), "the killed pass's job rows are marked failed");
        assertExact("after the next pass");
        FIGURES.add("dirty-user pass killed with " + stillDirty + " of " + DIRTY + " users still dirty; "
                + orphanRows + " job rows marked failed; 0 flags lost");
    }

    @Test
    @Order(3)
    void shouldResumeAWebhookExportKilledHalfway() throws Exception {
        Map.Entry<Long, Population.Definition> segment = segments.entrySet().iterator().next();
        try (WebhookSink sink = new WebhookSink(120)) {
            long destination = app.http().expect(201, "/api/v1/destinations", "{\"name\": \"kill sink\", \"type\": \"webhook\", "
                    + "\"url\": \"" + sink.url() + "\", \"batch_size\": 4000, \"timeout_ms\": 5000}").get("id").asLong();
            long export = app.http().expect(202, "/api/v1/segments/" + segment.getKey() + "/exports",
                    "{\"destination_id\": " + destination + ", \"format\": \"ndjson\", \"mode\": \"full\"}").get("id").asLong();
            await("the export running with some batches sent", Duration.ofSeconds(60),
                    () -> count("SELECT count(*) FROM segment_export WHERE id = " + export
                            + " AND status = 'running' AND batches_sent >= 2") == 1);
            long sentAtKill = count("SELECT sent_count FROM segment_export WHERE id = " + export);
            kill();

            app.restart();
            await("the export to complete after the restart", Duration.ofSeconds(120),
                    () -> count("SELECT count(*) FROM segment_export WHERE id = " + export + " AND status <> 'running'"
                            + " AND status <> 'queued'") == 1);
            JsonNode done = app.http().get("/api/v1/exports/" + export).json();
            assertEquals("completed", done.get("status").asText(), done.toString());
            assertTrue(done.get("attempts").asInt() >= 2, "the export was claimed again after the kill: " + done);
            long members = count("SELECT count(*) FROM segment_membership WHERE removed_at IS NULL AND segment_id = " + segment.getKey());
            assertEquals(members, done.get("total_count").asLong());
            assertEquals(members, sink.users().size(), "every member was delivered");
            assertEquals(members, count("SELECT count(*) FROM segment_membership WHERE removed_at IS NULL AND segment_id = "
                    + segment.getKey() + " AND user_id = ANY('{" + String.join(",", sink.users().stream().map(String::valueOf).toList())
                    + "}'::bigint[])"), "the delivered users are the members");
            FIGURES.add("webhook export killed after " + sentAtKill + " of " + members + " members sent; resumed, "
                    + sink.batches() + " batches kept from " + sink.requests() + " requests, every member delivered");
        }
    }

    /**
     * The file of a directory export is written to {@code .<name>.tmp}, a name known from the export id
     * before the export exists. The test makes that path a named pipe and reads only its first 64 KiB,
     * so the app's writer is blocked halfway through the file when it is killed, every time. The pipe is
     * then replaced by the bytes it delivered, a regular file as a killed writer leaves it, before the
     * restart.
     */
    @Test
    @Order(4)
    void shouldRedoADirectoryExportKilledHalfway() throws Exception {
        long segment = segments.keySet().iterator().next();
        Path dir = EXPORTS_ROOT.resolve("kill-directory");
        Files.createDirectories(dir);
        long destination = app.http().expect(201, "/api/v1/destinations", "{\"name\": \"kill directory\", "
                + "\"type\": \"directory\", \"path\": \"" + dir + "\"}").get("id").asLong();
        long nextExport = count("SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM segment_export_id_seq");
        String name = "segment-" + segment + "-export-" + nextExport + ".csv"; // as DirectoryExport.fileName
        Path temporary = dir.resolve("." + name + ".tmp");
        byte[] head;
        long export;
        try (StalledFifo fifo = StalledFifo.create(temporary, READ_BEFORE_KILL)) {
            export = app.http().expect(202, "/api/v1/segments/" + segment + "/exports",
                    "{\"destination_id\": " + destination + ", \"format\": \"csv\", \"mode\": \"full\"}").get("id").asLong();
            assertEquals(nextExport, export, "another export took the id the pipe was named for");
            head = fifo.awaitHead(Duration.ofSeconds(60));
            assertEquals(READ_BEFORE_KILL, head.length, "the export's file is shorter than what the test reads of it");
            // blocked for longer than stale-after (4 s) on a live instance, the export stays that
            // instance's: it is not queued again and done twice
            AppProcess.sleep(6_000);
            assertEquals(1, count("SELECT count(*) FROM segment_export WHERE id = " + export + " AND status = 'running'"
                    + " AND attempts = 1 AND heartbeat_at < now() - interval '4 seconds'"),
                    "the blocked export of a live instance was queued again");
            kill();
        }
        assertEquals(1, count("SELECT count(*) FROM segment_export WHERE id = " + export + " AND status = 'running'"),
                "the export was killed while running");
        assertFalse(Files.exists(dir.resolve(name)), "the killed export published its file");
        Files.write(temporary, head);

        app.restart();
        await("the directory export to end after the restart", Duration.ofSeconds(120),
                () -> count("SELECT count(*) FROM segment_export WHERE id = " + export + " AND status <> 'running'"
                        + " AND status <> 'queued'") == 1);
        JsonNode done = app.http().get("/api/v1/exports/" + export).json();
        assertEquals("completed", done.get("status").asText(), done.toString());
        assertTrue(done.get("attempts").asInt() >= 2, "the export was claimed again after the kill: " + done);
        assertEquals(name, done.get("file_name").asText());
        List<Long> members = userIds("SELECT user_id FROM segment_membership WHERE removed_at IS NULL AND segment_id = "
                + segment + " ORDER BY user_id");
        Path file = dir.resolve(name);
        List<String> lines = Files.readAllLines(file);
        assertEquals("user_id,added_at", lines.get(0));
        assertEquals(members, lines.subList(1, lines.size()).stream().map(l -> Long.parseLong(l.split(",")[0])).toList(),
                "the file holds exactly the members, in user-id order");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        JsonNode manifest = Http.JSON.readTree(dir.resolve(name + ".manifest.json").toFile());
        assertEquals(sha256, manifest.path("sha256").asText(), "the manifest's checksum is the file's");
        assertEquals(sha256, done.get("sha256").asText());
        assertEquals(members.size(), manifest.path("count").asLong());
        assertEquals(members.size(), done.get("total_count").asLong());
        assertEquals(export, manifest.path("export_id").asLong());
        assertEquals(List.of(), temporaryFiles(dir), "a temporary file was left");

        long diff = app.http().expect(202, "/api/v1/segments/" + segment + "/exports",
                "{\"destination_id\": " + destination + ", \"format\": \"csv\", \"mode\": \"diff\"}").get("id").asLong();
        await("the diff export after the resumed one", Duration.ofSeconds(60),
                () -> count("SELECT count(*) FROM segment_export WHERE id = " + diff + " AND status IN ('completed', 'failed')") == 1);
        JsonNode diffDone = app.http().get("/api/v1/exports/" + diff).json();
        assertEquals("completed", diffDone.get("status").asText(), diffDone.toString());
        assertEquals(0, diffDone.get("total_count").asLong(), "the baseline is what the resumed export wrote: " + diffDone);
        assertEquals(0, diffDone.get("entered_count").asLong());
        assertEquals(0, diffDone.get("left_count").asLong());
        assertEquals(List.of("user_id,change"), Files.readAllLines(dir.resolve(diffDone.get("file_name").asText())));
        assertEquals(List.of(), temporaryFiles(dir), "a temporary file was left");
        FIGURES.add("directory export killed with its writer blocked " + READ_BEFORE_KILL / 1024 + " KiB into the file ("
                + Files.size(file) / 1024 + " KiB in all); redone on attempt " + done.get("attempts").asInt() + ", file of "
                + members.size() + " members and manifest checksum exact, no temporary file left, next diff 0 changes");
    }

    private static List<String> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    private static List<Long> userIds(String query) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void kill() {
        app.kill();
        FIGURES.fault();
    }

    private static void assertExact(String when) throws SQLException {
        long mismatches = Population.mismatches(db, segments, "true");
        FIGURES.checked(Population.memberships(db, segments), mismatches);
        assertEquals(0, mismatches, "memberships differ from a from-scratch evaluation " + when + "\n" + app.tail());
    }

    private static long runningJobs() {
        return count("SELECT count(*) FROM segment_compute_job WHERE status = 'running'");
    }

    private static long count(String query) {
        try {
            return Population.count(db, query);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition, app::tail);
    }
}
