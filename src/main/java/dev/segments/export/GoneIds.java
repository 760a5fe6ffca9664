package dev.segments.export;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The external ids of allocated users who left a segment (a diff's {@code left} lines): they are not in
 * the members' {@code COPY}, so a directory export reads them from {@code user_key}, one statement per
 * chunk that has any (rows there are never deleted, so every id is found).
 */
final class GoneIds implements ChunkMerge.ExternalIds {

    private final Connection conn;

    GoneIds(Connection conn) {
        this.conn = conn;
    }

    @Override
    public Map<Long, String> of(long[] ids, int count) throws SQLException {
        Map<Long, String> external = new HashMap<>(count * 2);
        Array array = conn.createArrayOf("bigint", Arrays.stream(ids, 0, count).boxed().toArray());
        try (PreparedStatement statement = conn.prepareStatement("SELECT id, external_id FROM user_key WHERE id = ANY (?)")) {
            statement.setArray(1, array);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    external.put(rows.getLong(1), rows.getString(2));
                }
            }
        } finally {
            array.free();
        }
        return external;
    }
}
