package dev.segments.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes member lines in a format's frame: prefix, lines with separators, suffix; counts the lines. */
final class LineFramer {

    private final ExportFormat format;
    private final OutputStream out;
    private final byte[] separator;
    private long lines;

    LineFramer(ExportFormat format, ExportMode mode, OutputStream out) throws IOException {
        this.format = format;
        this.out = out;
        this.separator = format.separator().getBytes(StandardCharsets.UTF_8);
        out.write(format.prefix(mode).getBytes(StandardCharsets.UTF_8));
    }

    /** One line, {@code length} bytes of {@code bytes} from 0, without its line end. */
    void line(byte[] bytes, int length) throws IOException {
        if (lines > 0 && !format.terminatesLines()) {
            out.write(separator);
        }
        out.write(bytes, 0, length);
        if (format.terminatesLines()) {
            out.write(separator);
        }
        lines++;
    }

    void line(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        line(bytes, bytes.length);
    }

    long finish() throws IOException {
        out.write(format.suffix().getBytes(StandardCharsets.UTF_8));
        return lines;
    }
}
