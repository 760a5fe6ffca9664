package dev.segments.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Users with string ids written straight into the database, as the intake will write them: a
 * {@code user_key} row (an internal id from {@code user_key_seq}, 2^62 and up) and an attribute
 * snapshot. Memberships follow from a full compute (create the segment afterwards, or POST its compute).
 */
public final class UserKeysSql {

    private UserKeysSql() {
    }

    /** The internal id of {@code externalId}, mapping it if it is new. */
    public static long key(DataSource dataSource, String externalId) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement insert = conn.prepareStatement("""
                INSERT INTO user_key (id, external_id) VALUES (nextval('user_key_seq'), ?)
                ON CONFLICT (external_id) DO UPDATE SET external_id = EXCLUDED.external_id RETURNING id""")) {
            insert.setString(1, externalId);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Maps {@code externalId} and replaces its user's snapshot with {@code attributesJson}; answers the internal id. */
    public static long putUser(DataSource dataSource, String externalId, String attributesJson) throws SQLException {
        long key = key(dataSource, externalId);
        try (Connection conn = dataSource.getConnection(); PreparedStatement upsert = conn.prepareStatement("""
                INSERT INTO user_attribute_snapshot (user_id, attributes) VALUES (?, ?::jsonb)
                ON CONFLICT (user_id) DO UPDATE SET attributes = EXCLUDED.attributes, updated_at = now()""")) {
            upsert.setLong(1, key);
            upsert.setString(2, attributesJson);
            upsert.executeUpdate();
        }
        return key;
    }
}
