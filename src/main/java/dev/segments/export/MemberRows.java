package dev.segments.export;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * A segment's current members read once with a binary {@code COPY ... TO STDOUT} in user-id order (no
 * text formatting on the server), one row at a time through a 64 KiB buffer: their ids and, if asked,
 * their join times (microseconds since 2000-01-01, as PostgreSQL sends them).
 */
final class MemberRows implements ChunkMerge.Members, AutoCloseable {

    private final BinaryCopyReader in;
    private final boolean withAddedAt;
    private long userId;
    private long addedAtMicros;

    private MemberRows(BinaryCopyReader in, boolean withAddedAt) {
        this.in = in;
        this.withAddedAt = withAddedAt;
    }

    /** Starts the read; the connection is busy with it until {@link #close()}. */
    static MemberRows open(Connection conn, long segmentId, boolean withAddedAt) throws SQLException, IOException {
        String sql = "COPY (SELECT user_id" + (withAddedAt ? ", added_at" : "") + " FROM segment_membership WHERE segment_id = "
                + segmentId + " AND removed_at IS NULL ORDER BY user_id) TO STDOUT (FORMAT binary)";
        return new MemberRows(new BinaryCopyReader(new PGCopyInputStream(conn.unwrap(PGConnection.class), sql)), withAddedAt);
    }

    @Override
    public boolean next() throws IOException {
        int fields = in.readShort();
        if (fields == -1) {
            in.drain();
            return false;
        }
        if (fields != (withAddedAt ? 2 : 1)) {
            throw new IOException("unexpected COPY row of " + fields + " fields");
        }
        in.expectLength(8);
        userId = in.readLong();
        if (withAddedAt) {
            in.expectLength(8);
            addedAtMicros = in.readLong();
        }
        return true;
    }

    @Override
    public long userId() {
        return userId;
    }

    @Override
    public long addedAtMicros() {
        return addedAtMicros;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
