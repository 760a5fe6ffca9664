package dev.segments.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Rewrites a destination's baseline chunk by chunk as a merge finds them different: upserts sent in
 * batches of {@value #BATCH} chunks (each chunk's offsets as one {@code smallint[]} parameter), emptied
 * chunks deleted {@value #BATCH} at a time, so what waits to be written stays bounded however many
 * chunks change. Nothing is written when no chunk differs.
 */
final class BaselineWriter implements ChunkMerge.Target, AutoCloseable {

    private static final int BATCH = 8;

    private final Connection conn;
    private final long segmentId;
    private final long destinationId;
    private final long[] dropped = new long[BATCH];
    private int droppedCount;
    private PreparedStatement upsert;
    private int batched;

    BaselineWriter(Connection conn, long segmentId, long destinationId) {
        this.conn = conn;
        this.segmentId = segmentId;
        this.destinationId = destinationId;
    }

    @Override
    public void put(long chunk, short[] offsets, int count) throws SQLException {
        if (upsert == null) {
            upsert = conn.prepareStatement("""
                    INSERT INTO export_baseline_chunk (segment_id, destination_id, chunk, offsets) VALUES (?, ?, ?, ?)
                    ON CONFLICT (segment_id, destination_id, chunk) DO UPDATE SET offsets = EXCLUDED.offsets""");
        }
        upsert.setLong(1, segmentId);
        upsert.setLong(2, destinationId);
        upsert.setLong(3, chunk);
        upsert.setObject(4, Arrays.copyOf(offsets, count));
        upsert.addBatch();
        if (++batched == BATCH) {
            upsert.executeBatch();
            batched = 0;
        }
    }

    @Override
    public void drop(long chunk) throws SQLException {
        dropped[droppedCount++] = chunk;
        if (droppedCount == BATCH) {
            deleteDropped();
        }
    }

    /** Writes what is still batched; call once the merge has ended. */
    void flush() throws SQLException {
        if (batched > 0) {
            upsert.executeBatch();
            batched = 0;
        }
        if (droppedCount > 0) {
            deleteDropped();
        }
    }

    private void deleteDropped() throws SQLException {
        try (PreparedStatement delete = conn.prepareStatement(
                "DELETE FROM export_baseline_chunk WHERE segment_id = ? AND destination_id = ? AND chunk = ANY (?)")) {
            delete.setLong(1, segmentId);
            delete.setLong(2, destinationId);
            delete.setObject(3, Arrays.copyOf(dropped, droppedCount));
            delete.executeUpdate();
        }
        droppedCount = 0;
    }

    @Override
    public void close() throws SQLException {
        if (upsert != null) {
            upsert.close();
        }
    }
}
