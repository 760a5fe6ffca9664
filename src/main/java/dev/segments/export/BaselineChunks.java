package dev.segments.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A destination's baseline of a segment read chunk by chunk in order through a server-side cursor
 * (64 chunks a fetch), so at most one fetch of it is in memory. The cursor reads the transaction's
 * snapshot as it was when it opened: the same connection may rewrite chunks meanwhile (see
 * {@link BaselineWriter}). Each chunk's offsets travel in the binary array format
 * ({@code array_send}), parsed here without boxing.
 */
final class BaselineChunks implements ChunkMerge.Chunks, AutoCloseable {

    private static final int FETCH = 64;

    private final PreparedStatement statement;
    private final ResultSet rows;
    private final short[] offsets = new short[ChunkMerge.CHUNK_SIZE];
    private long chunk;
    private int count;

    private BaselineChunks(PreparedStatement statement, ResultSet rows) {
        this.statement = statement;
        this.rows = rows;
    }

    /** Opens the cursor; the connection must be in a transaction (not auto-commit). */
    static BaselineChunks open(Connection conn, long segmentId, long destinationId) throws SQLException {
        PreparedStatement statement = conn.prepareStatement("SELECT chunk, array_send(offsets) FROM export_baseline_chunk "
                + "WHERE segment_id = ? AND destination_id = ? ORDER BY chunk");
        try {
            statement.setFetchSize(FETCH);
            statement.setLong(1, segmentId);
            statement.setLong(2, destinationId);
            return new BaselineChunks(statement, statement.executeQuery());
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    @Override
    public boolean next() throws SQLException, IOException {
        if (!rows.next()) {
            return false;
        }
        chunk = rows.getLong(1);
        ByteBuffer array = ByteBuffer.wrap(rows.getBytes(2));
        int dimensions = array.getInt();
        array.getInt(); // flags: the column holds no NULLs
        array.getInt(); // element type
        count = dimensions == 0 ? 0 : array.getInt();
        if (dimensions > 1 || count > offsets.length) {
            throw new IOException("baseline chunk " + chunk + " is not a list of at most " + offsets.length + " offsets");
        }
        if (dimensions == 1) {
            array.getInt(); // lower bound
        }
        for (int i = 0; i < count; i++) {
            if (array.getInt() != 2) {
                throw new IOException("baseline chunk " + chunk + " holds a value that is not a smallint");
            }
            offsets[i] = array.getShort();
        }
        return true;
    }

    @Override
    public long chunk() {
        return chunk;
    }

    @Override
    public short[] offsets() {
        return offsets;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public void close() throws SQLException {
        statement.close();
    }
}
