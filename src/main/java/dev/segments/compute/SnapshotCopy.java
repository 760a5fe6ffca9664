package dev.segments.compute;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * Reads {@code (user_id, attributes)} of every snapshot with {@code COPY ... TO STDOUT (FORMAT
 * binary)}: no per-row protocol decoding, no strings; each document arrives as the UTF-8 bytes of its
 * JSON text (the jsonb binary format is a version byte followed by that text). Runs inside the
 * caller's transaction, so it sees the caller's snapshot.
 */
final class SnapshotCopy implements AutoCloseable {

    private static final String COPY = "COPY (SELECT user_id, attributes FROM user_attribute_snapshot) TO STDOUT (FORMAT binary)";
    private static final int SIGNATURE_LENGTH = 11;
    private static final int JSONB_VERSION = 1;

    private final DataInputStream in;
    private long userId;
    private byte[] document;

    SnapshotCopy(Connection conn) throws SQLException {
        InputStream copy = new PGCopyInputStream(conn.unwrap(PGConnection.class), COPY);
        this.in = new DataInputStream(new BufferedInputStream(copy, 1 << 16));
        try {
            in.skipNBytes(SIGNATURE_LENGTH + 4); // signature and flags
            in.skipNBytes(in.readInt()); // header extension
        } catch (IOException e) {
            throw new SQLException("Unexpected COPY header", e);
        }
    }

    /** Moves to the next snapshot; false at the end. */
    boolean next() throws SQLException {
        try {
            short fields = in.readShort();
            if (fields == -1) {
                return false;
            }
            if (fields != 2 || in.readInt() != 8) {
                throw new SQLException("Unexpected COPY row layout");
            }
            userId = in.readLong();
            int length = in.readInt();
            if (in.readUnsignedByte() != JSONB_VERSION) {
                throw new SQLException("Unsupported jsonb binary version");
            }
            document = new byte[length - 1];
            in.readFully(document);
            return true;
        } catch (EOFException e) {
            return false;
        } catch (IOException e) {
            throw new SQLException("Reading the snapshots failed", e);
        }
    }

    long userId() {
        return userId;
    }

    /** The attributes as UTF-8 JSON text. */
    byte[] document() {
        return document;
    }

    @Override
    public void close() throws SQLException {
        try {
            in.close();
        } catch (IOException e) {
            throw new SQLException(e);
        }
    }
}
