package dev.segments.export;

import dev.segments.user.UserIdSql;
import dev.segments.user.UserIds;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    private final boolean withExternal;
    private long userId;
    private long addedAtMicros;
    private String externalId;

    private MemberRows(BinaryCopyReader in, boolean withAddedAt, boolean withExternal) {
        this.in = in;
        this.withAddedAt = withAddedAt;
        this.withExternal = withExternal;
    }

    /** Starts the read; the connection is busy with it until {@link #close()}. */
    static MemberRows open(Connection conn, long segmentId, boolean withAddedAt) throws SQLException, IOException {
        // the external-id column only when some member has an allocated id: numeric-only segments are read as
        // before string ids existed (an extra null field per row measured 15-20% on a diff export of 1M members)
        boolean withExternal = hasAllocatedMembers(conn, segmentId);
        String sql = "COPY (SELECT m.user_id" + (withAddedAt ? ", m.added_at" : "")
                + (withExternal ? ", " + UserIdSql.allocated("m.user_id") : "")
                + " FROM segment_membership m WHERE m.segment_id = " + segmentId
                + " AND m.removed_at IS NULL ORDER BY m.user_id) TO STDOUT (FORMAT binary)";
        return new MemberRows(new BinaryCopyReader(new PGCopyInputStream(conn.unwrap(PGConnection.class), sql)), withAddedAt,
                withExternal);
    }

    /** Whether a current member has an id from 2^62 up (a range of the primary key, read in the caller's snapshot). */
    private static boolean hasAllocatedMembers(Connection conn, long segmentId) throws SQLException {
        try (PreparedStatement query = conn.prepareStatement("SELECT EXISTS (SELECT 1 FROM segment_membership"
                + " WHERE segment_id = ? AND user_id >= ? AND removed_at IS NULL)")) {
            query.setLong(1, segmentId);
            query.setLong(2, UserIds.ALLOCATED_FROM);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    @Override
    public boolean next() throws IOException {
        int fields = in.readShort();
        if (fields == -1) {
            in.drain();
            return false;
        }
        if (fields != (withAddedAt ? 2 : 1) + (withExternal ? 1 : 0)) {
            throw new IOException("unexpected COPY row of " + fields + " fields");
        }
        in.expectLength(8);
        userId = in.readLong();
        if (withAddedAt) {
            in.expectLength(8);
            addedAtMicros = in.readLong();
        }
        externalId = withExternal ? in.readText() : null;
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
