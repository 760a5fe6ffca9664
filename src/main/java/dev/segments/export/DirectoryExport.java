package dev.segments.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes one export as one file. The members' ids (and, for a full export, join times) are read once
 * with a binary {@code COPY ... TO STDOUT} in user-id order and the destination's baseline with
 * another; a full export renders each member's line as it is read, a diff export the changes found by
 * merging the two sorted id lists (no per-member work on the server beyond the read). Lines go through
 * a 1 MiB buffer into a hidden temporary file, hashed a buffer at a time; the file is synced and
 * renamed into place, then its
 * manifest ({@code <file>.manifest.json}: counts, format, mode, sha256) is written the same way. All of
 * it runs in one repeatable-read transaction (one snapshot for the members and the baseline) that
 * also moves the baseline to exactly the members written, rewriting only its chunks that differ, and
 * completes the job, under the (segment, destination) lock; a failure rolls all of it back.
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
        Path file = dir.resolve(name);
        Path temporary = dir.resolve("." + name + ".tmp");
        try (Connection conn = dataSource.getConnection()) {
            ExportBaseline.lock(conn, export.segmentId(), destination.id());
            try {
                conn.setAutoCommit(false);
                conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                long start = System.nanoTime();
                MemberCopy baseline = MemberCopy.baseline(conn, export.segmentId(), destination.id());
                MemberCopy members = new MemberCopy();
                MemberCopy.Difference[] difference = new MemberCopy.Difference[1];
                Written written;
                if (export.exportMode() == ExportMode.FULL) {
                    MemberCopy.FullLines lines = new MemberCopy.FullLines(export.exportFormat());
                    written = write(export, temporary, framer -> members.read(conn, export.segmentId(),
                            (userId, addedAt) -> framer.line(lines.bytes(), lines.render(userId, addedAt))));
                    difference[0] = members.compare(baseline, null);
                } else {
                    MemberCopy.DiffLines lines = new MemberCopy.DiffLines(export.exportFormat());
                    members.read(conn, export.segmentId(), null);
                    written = write(export, temporary, framer -> difference[0] = members.compare(baseline,
                            (userId, entered) -> framer.line(lines.bytes(), lines.render(userId, entered))));
                }
                long copied = System.nanoTime();
                members.applyTo(conn, export.segmentId(), destination.id(), difference[0].chunks());
                long[] changes = {difference[0].entered(), difference[0].left()};
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                writeManifest(dir, name, export, written, changes);
                complete(conn, export.id(), name, written, changes);
                conn.commit();
                LOG.infof("Export %d: %,d lines to %s in %d ms (read and file %d ms, baseline +%,d / -%,d %d ms)", export.id(),
                        written.lines(), file, (System.nanoTime() - start) / 1_000_000, (copied - start) / 1_000_000,
                        changes[0], changes[1], (System.nanoTime() - copied) / 1_000_000);
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

    private interface Lines {
        void writeTo(LineFramer framer) throws IOException, SQLException;
    }

    /** The file: framed lines through a large buffer, hashed a buffer at a time, synced. */
    private static Written write(ExportView export, Path temporary, Lines lines) throws IOException, SQLException {
        MessageDigest sha256 = sha256();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(new DigestOutputStream(Channels.newOutputStream(channel), sha256), 1 << 20);
            LineFramer framer = new LineFramer(export.exportFormat(), export.exportMode(), out);
            lines.writeTo(framer);
            long count = framer.finish();
            out.flush();
            channel.force(true);
            return new Written(count, HexFormat.of().formatHex(sha256.digest()));
        }
    }

    private void writeManifest(Path dir, String name, ExportView export, Written written, long[] changes) throws IOException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("export_id", export.id());
        manifest.put("segment_id", export.segmentId());
        manifest.put("destination_id", export.destinationId());
        manifest.put("file", name);
        manifest.put("format", export.format());
        manifest.put("mode", export.mode());
        manifest.put("count", written.lines());
        manifest.put("entered_count", changes[0]);
        manifest.put("left_count", changes[1]);
        manifest.put("sha256", written.sha256());
        manifest.put("created_at", Instant.now().toString());
        Path temporary = dir.resolve("." + name + ".manifest.json.tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest)));
            channel.force(true);
        }
        Files.move(temporary, dir.resolve(name + ".manifest.json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void complete(Connection conn, long exportId, String name, Written written, long[] changes)
            throws SQLException {
        try (PreparedStatement statement = conn.prepareStatement("""
                UPDATE segment_export SET status = 'completed', completed_at = now(), heartbeat_at = now(),
                       total_count = ?, sent_count = ?, batches_sent = 1, entered_count = ?, left_count = ?,
                       file_name = ?, sha256 = ?
                WHERE id = ? AND status = 'running'""")) {
            statement.setLong(1, written.lines());
            statement.setLong(2, written.lines());
            statement.setLong(3, changes[0]);
            statement.setLong(4, changes[1]);
            statement.setString(5, name);
            statement.setString(6, written.sha256());
            statement.setLong(7, exportId);
            if (statement.executeUpdate() == 0) {
                throw new SQLException("export " + exportId + " is no longer running (requeued or deleted)");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Written(long lines, String sha256) {
    }
}
