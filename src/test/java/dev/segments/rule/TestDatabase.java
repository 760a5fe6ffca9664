package dev.segments.rule;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An embedded PostgreSQL with the segment_membership table, shared by one test class. */
final class TestDatabase implements AutoCloseable {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\d+)");

    private final EmbeddedPostgres postgres;
    private final Connection connection;

    private TestDatabase(EmbeddedPostgres postgres, Connection connection) {
        this.postgres = postgres;
        this.connection = connection;
    }

    static TestDatabase start() throws IOException, SQLException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        TestDatabase db = new TestDatabase(postgres, postgres.getPostgresDatabase().getConnection());
        db.execute("CREATE TABLE segment_membership (segment_id bigint NOT NULL, user_id bigint NOT NULL,"
                + " added_at timestamptz NOT NULL DEFAULT now(), removed_at timestamptz)");
        return db;
    }

    Connection connection() {
        return connection;
    }

    void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    void addMembership(long segmentId, long userId, boolean removed) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO segment_membership (segment_id, user_id, removed_at) VALUES (?, ?, "
                        + (removed ? "now()" : "NULL") + ")")) {
            insert.setLong(1, segmentId);
            insert.setLong(2, userId);
            insert.executeUpdate();
        }
    }

    /**
     * Prepares SQL written with PostgreSQL placeholders: each {@code $n} becomes {@code ?} and is
     * bound to {@code values.get(n - 1)}, so placeholders may repeat or come in any order.
     */
    PreparedStatement prepare(String sql, List<Object> values) throws SQLException {
        Matcher matcher = PLACEHOLDER.matcher(sql);
        StringBuilder jdbc = new StringBuilder();
        List<Integer> order = new java.util.ArrayList<>();
        while (matcher.find()) {
            order.add(Integer.parseInt(matcher.group(1)));
            matcher.appendReplacement(jdbc, "?");
        }
        matcher.appendTail(jdbc);
        PreparedStatement statement = connection.prepareStatement(jdbc.toString());
        for (int i = 0; i < order.size(); i++) {
            bind(statement, i + 1, values.get(order.get(i) - 1));
        }
        return statement;
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value instanceof String) {
            statement.setString(index, (String) value);
        } else if (value instanceof Double) {
            statement.setDouble(index, (Double) value);
        } else if (value instanceof Boolean) {
            statement.setBoolean(index, (Boolean) value);
        } else if (value instanceof Long) {
            statement.setLong(index, (Long) value);
        } else {
            throw new IllegalArgumentException("cannot bind " + value);
        }
    }

    @Override
    public void close() throws SQLException, IOException {
        connection.close();
        postgres.close();
    }
}
