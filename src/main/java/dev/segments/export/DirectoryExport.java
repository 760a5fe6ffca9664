package dev.segments.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Writes one export as one file ({@link ExportFile}), in memory that does not grow with the members.
 * Its connection opens a repeatable-read transaction and shares its snapshot with a second one
 * ({@link SnapshotReader}) that reads the members with a binary {@code COPY} in user-id order
 * ({@link MemberRows}); its own connection reads the destination's baseline through a cursor in the
 * same order ({@link BaselineChunks}). The two streams are merged one 4096-id chunk at a time
 * ({@link ChunkMerge}): a full export writes each member's line as it is read, a diff export each
 * change once its chunk is compared, and the chunks that differ are rewritten on the way
 * ({@link BaselineWriter}). The same transaction completes the job, under the (segment, destination)
 * lock; a failure rolls all of it back and deletes the temporary file.
 */
@ApplicationScoped
public class DirectoryExport {

    private static final Logger LOG = Logger.getLogger(DirectoryExport.class);

    private final AgroalDataSource dataSource;
    private final DestinationService destinations;
    private final ObjectMapper json;

    public DirectoryExport(AgroalDataSource dataSource, DestinationService destinations, ObjectMapper json) {
        this.dataSource = dataSource;
        this.destinations = destinations;
        this.json = json;
    }

    public static String fileName(ExportView export) {
        return "segment-" + export.segmentId() + "-export-" + export.id() + "." + export.exportFormat().extension();
    }

    public void run(ExportView export, Destination destination) throws IOException, SQLException {
        Path dir = directory(destination);
        String name = fileName(export);
        Path temporary = dir.resolve("." + name + ".tmp");
        try (Connection conn = dataSource.getConnection()) {
            ExportBaseline.lock(conn, export.segmentId(), destination.id());
            try {
                conn.setAutoCommit(false);
                conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                long start = System.nanoTime();
                ChunkMerge.Difference[] changes = new ChunkMerge.Difference[1];
                ExportFile.Written written;
                try (SnapshotReader reader = SnapshotReader.of(conn, dataSource);
                        MemberRows members = MemberRows.open(reader.connection(), export.segmentId(),
                                export.exportMode() == ExportMode.FULL);
                        BaselineChunks baseline = BaselineChunks.open(conn, export.segmentId(), destination.id());
                        BaselineWriter writer = new BaselineWriter(conn, export.segmentId(), destination.id())) {
                    written = ExportFile.write(export, temporary, framer -> {
                        changes[0] = merge(conn, export, members, baseline, writer, framer);
                        writer.flush();
                    });
                }
                ExportFile.publish(json, temporary, dir.resolve(name), export, written, changes[0]);
                complete(conn, export.id(), name, written, changes[0]);
                conn.commit();
                LOG.infof("Export %d: %,d lines to %s in %d ms (baseline +%,d / -%,d, %,d chunks rewritten)", export.id(),
                        written.lines(), name, (System.nanoTime() - start) / 1_000_000, changes[0].entered(),
                        changes[0].left(), changes[0].chunks());
            } catch (IOException | SQLException | RuntimeException e) {
                conn.rollback();
                Files.deleteIfExists(temporary);
                throw e;
            } finally {
                conn.setAutoCommit(true);
                conn.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                ExportBaseline.unlock(conn, export.segmentId(), destination.id());
            }
        }
    }

    /**
     * Full: every member's line as it is read. Diff: every change's line, in user-id order; the external
     * ids of members who left are read on the export's own connection ({@link GoneIds}).
     */
    private static ChunkMerge.Difference merge(Connection conn, ExportView export, MemberRows members,
            BaselineChunks baseline, BaselineWriter writer, LineFramer framer) throws IOException, SQLException {
        ChunkMerge merge = new ChunkMerge(new GoneIds(conn));
        if (export.exportMode() == ExportMode.FULL) {
            FullLines lines = new FullLines(export.exportFormat());
            return merge.run(members, baseline,
                    (userId, externalId, addedAt) -> framer.line(lines.bytes(), lines.render(userId, externalId, addedAt)),
                    null, writer);
        }
        DiffLines lines = new DiffLines(export.exportFormat());
        return merge.run(members, baseline, null,
                (userId, externalId, entered) -> framer.line(lines.bytes(), lines.render(userId, externalId, entered)), writer);
    }

    /** The destination's directory, created if needed, still under the root once links are resolved. */
    private Path directory(Destination destination) throws IOException {
        Path root = destinations.root();
        Files.createDirectories(root);
        Path dir = Files.createDirectories(Path.of(destination.path()));
        if (!dir.toRealPath().startsWith(root.toRealPath())) {
            throw new IOException("directory " + dir + " resolves outside the exports root " + root);
        }
        return dir;
    }

    private static void complete(Connection conn, long exportId, String name, ExportFile.Written written,
            ChunkMerge.Difference changes) throws SQLException {
        try (PreparedStatement statement = conn.prepareStatement("""
                UPDATE segment_export SET status = 'completed', completed_at = now(), heartbeat_at = now(),
                       total_count = ?, sent_count = ?, batches_sent = 1, entered_count = ?, left_count = ?,
                       file_name = ?, sha256 = ?
                WHERE id = ? AND status = 'running'""")) {
            statement.setLong(1, written.lines());
            statement.setLong(2, written.lines());
            statement.setLong(3, changes.entered());
            statement.setLong(4, changes.left());
            statement.setString(5, name);
            statement.setString(6, written.sha256());
            statement.setLong(7, exportId);
            if (statement.executeUpdate() == 0) {
                throw new SQLException("export " + exportId + " is no longer running (requeued or deleted)");
            }
        }
    }
}
