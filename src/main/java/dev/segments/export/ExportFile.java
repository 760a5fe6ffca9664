package dev.segments.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file of a directory export and its manifest: lines framed in the export's format go through a
 * 1 MiB buffer into a hidden temporary file, hashed a buffer at a time, synced; {@link #publish}
 * renames it into place and writes {@code <file>.manifest.json} (counts, format, mode, sha256) the
 * same way.
 */
final class ExportFile {

    /** What a file holds: its lines and their hash. */
    record Written(long lines, String sha256) {
    }

    /** Writes the lines into the file. */
    interface Lines {
        void writeTo(LineFramer framer) throws IOException, SQLException;
    }

    private ExportFile() {
    }

    static Written write(ExportView export, Path temporary, Lines lines) throws IOException, SQLException {
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

    /** Renames the written file into place, then writes its manifest. */
    static void publish(ObjectMapper json, Path temporary, Path file, ExportView export, Written written,
            ChunkMerge.Difference changes) throws IOException {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        String name = file.getFileName().toString();
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("export_id", export.id());
        manifest.put("segment_id", export.segmentId());
        manifest.put("destination_id", export.destinationId());
        manifest.put("file", name);
        manifest.put("format", export.format());
        manifest.put("mode", export.mode());
        manifest.put("count", written.lines());
        manifest.put("entered_count", changes.entered());
        manifest.put("left_count", changes.left());
        manifest.put("sha256", written.sha256());
        manifest.put("created_at", Instant.now().toString());
        Path dir = file.getParent();
        Path temporaryManifest = dir.resolve("." + name + ".manifest.json.tmp");
        try (FileChannel channel = FileChannel.open(temporaryManifest, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest)));
            channel.force(true);
        }
        Files.move(temporaryManifest, dir.resolve(name + ".manifest.json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
