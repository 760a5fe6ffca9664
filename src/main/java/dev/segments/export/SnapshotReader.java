package dev.segments.export;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A second connection that sees exactly what a repeatable-read transaction sees: the transaction
 * exports its snapshot ({@code pg_export_snapshot()}) and this connection imports it
 * ({@code SET TRANSACTION SNAPSHOT}) in a read-only transaction of its own. A directory export reads
 * the members here while its own connection reads the baseline and rewrites it, so both streams are
 * read side by side from one consistent state.
 */
final class SnapshotReader implements AutoCloseable {

    private final Connection conn;

    private SnapshotReader(Connection conn) {
        this.conn = conn;
    }

    /**
     * Opens a reader of {@code owner}'s snapshot; {@code owner} must be in a repeatable-read transaction
     * that has not written yet, and stay open while the reader is used.
     */
    static SnapshotReader of(Connection owner, AgroalDataSource dataSource) throws SQLException {
        String snapshot;
        try (Statement statement = owner.createStatement(); ResultSet row = statement.executeQuery("SELECT pg_export_snapshot()")) {
            row.next();
            snapshot = row.getString(1);
        }
        Connection conn = dataSource.getConnection();
        try {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement statement = conn.createStatement()) {
                // the id comes from the server, not from a user; SET takes no bind parameters
                statement.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                statement.execute("SET TRANSACTION READ ONLY");
            }
            return new SnapshotReader(conn);
        } catch (SQLException | RuntimeException e) {
            release(conn);
            throw e;
        }
    }

    Connection connection() {
        return conn;
    }

    @Override
    public void close() throws SQLException {
        release(conn);
    }

    private static void release(Connection conn) throws SQLException {
        try {
            conn.rollback();
            conn.setAutoCommit(true);
            conn.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        } finally {
            conn.close();
        }
    }
}
