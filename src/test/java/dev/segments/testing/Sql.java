package dev.segments.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** One-line SQL for tests that check or set up the database directly (each call its own connection). */
public final class Sql {

    private Sql() {
    }

    public static void execute(DataSource dataSource, String statement) throws SQLException {
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement()) {
            sql.execute(statement);
        }
    }

    /** The first column of the first row, as a long (a count). */
    public static long count(DataSource dataSource, String query) throws SQLException {
        try (Connection conn = dataSource.getConnection(); Statement sql = conn.createStatement();
                ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
