package dev.segments.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The fields of a binary COPY, read from a buffer refilled as needed. */
final class BinaryCopyReader implements AutoCloseable {

    private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;

    BinaryCopyReader(InputStream in) throws IOException {
        this.in = in;
        need(SIGNATURE.length + 8);
        for (byte b : SIGNATURE) {
            if (buffer[position++] != b) {
                throw new IOException("not a binary COPY");
            }
        }
        readInt(); // flags
        int extension = readInt();
        for (int i = 0; i < extension; i++) {
            need(1);
            position++;
        }
    }

    int readShort() throws IOException {
        need(2);
        int value = (short) (((buffer[position] & 0xff) << 8) | (buffer[position + 1] & 0xff));
        position += 2;
        return value;
    }

    int readInt() throws IOException {
        need(4);
        int value = ((buffer[position] & 0xff) << 24) | ((buffer[position + 1] & 0xff) << 16)
                | ((buffer[position + 2] & 0xff) << 8) | (buffer[position + 3] & 0xff);
        position += 4;
        return value;
    }

    long readLong() throws IOException {
        long high = readInt() & 0xffffffffL;
        return (high << 32) | (readInt() & 0xffffffffL);
    }

    /** A text field (its length, then UTF-8 bytes), or null for NULL. */
    String readText() throws IOException {
        int length = readInt();
        if (length < 0) {
            return null;
        }
        need(length);
        String text = new String(buffer, position, length, StandardCharsets.UTF_8);
        position += length;
        return text;
    }

    /** After the trailer: reads to the end of the stream, so the COPY ends normally (not cancelled on close). */
    void drain() throws IOException {
        position = limit;
        while (in.read(buffer, 0, buffer.length) >= 0) {
            // nothing follows the trailer but the end of the COPY
        }
    }

    void expectLength(int length) throws IOException {
        int actual = readInt();
        if (actual != length) {
            throw new IOException("unexpected COPY field of " + actual + " bytes");
        }
    }

    private void need(int bytes) throws IOException {
        if (limit - position >= bytes) {
            return;
        }
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        while (limit < bytes) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                throw new IOException("COPY ended inside a row");
            }
            limit += read;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
