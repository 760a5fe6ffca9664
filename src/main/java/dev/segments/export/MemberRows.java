package dev.segments.export;

import dev.segments.user.UserIdSql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * A segment's current members read once with a binary {@code COPY ... TO STDOUT} in user-id order (no
 * text formatting on the server), one row at a time through a 64 KiB buffer: their ids, if asked
 * their join times (microseconds since 2000-01-01, as PostgreSQL sends them), and the external ids of
 * allocated ids ({@link UserIdSql#allocated}: a NULL, and no lookup, for the ids that read as numbers).
 */
final class MemberRows implements ChunkMerge.Members, AutoCloseable {

    private final BinaryCopyReader in;
    private final boolean withAddedAt;
    private long userId;
    private long addedAtMicros;
    private String externalId;

    private MemberRows(BinaryCopyReader in, boolean withAddedAt) {
        this.in = in;
        this.withAddedAt = withAddedAt;
    }

    /** Starts the read; the connection is busy with it until {@link #close()}. */
    static MemberRows open(Connection conn, long segmentId, boolean withAddedAt) throws SQLException, IOException {
        String sql = "COPY (SELECT m.user_id" + (withAddedAt ? ", m.added_at" : "") + ", " + UserIdSql.allocated("m.user_id")
                + " FROM segment_membership m WHERE m.segment_id = " + segmentId
                + " AND m.removed_at IS NULL ORDER BY m.user_id) TO STDOUT (FORMAT binary)";
        return new MemberRows(new BinaryCopyReader(new PGCopyInputStream(conn.unwrap(PGConnection.class), sql)), withAddedAt);
    }

    @Override
    public boolean next() throws IOException {
        int fields = in.readShort();
        if (fields == -1) {
            in.drain();
            return false;
        }
        if (fields != (withAddedAt ? 3 : 2)) {
            throw new IOException("unexpected COPY row of " + fields + " fields");
        }
        in.expectLength(8);
        userId = in.readLong();
        if (withAddedAt) {
            in.expectLength(8);
            addedAtMicros = in.readLong();
        }
        externalId = in.readText();
        return true;
    }

    @Override
    public long userId() {
        return userId;
    }

    @Override
    public String externalId() {
        return externalId;
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
