package dev.segments.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic users written straight into PostgreSQL (one {@code INSERT ... SELECT generate_series}),
 * segments whose rule has a hand-written SQL twin, and the from-scratch check: for every segment, the
 * users its SQL twin selects against the open memberships, row for row. The twin is written here, not
 * produced by the app's SQL compiler or evaluator, so the check does not share their code.
 */
final class Population {

    /** A segment rule (JSON, as the API takes it) and the same rule as a condition on {@code attributes}. */
    record Definition(String rules, String sql) {
    }

    private static final String[] COUNTRIES = {"US", "DE", "FR", "BR"};
    private static final String[] PLANS = {"free", "pro", "team"};

    private Population() {
    }

    /** {@code n} rules over {@code score} (0-99), {@code country} and {@code plan}, every user holding all three. */
    static List<Definition> definitions(int n) {
        List<Definition> definitions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int threshold = 10 + (i * 37) % 80;
            String country = COUNTRIES[i % COUNTRIES.length];
            String plan = PLANS[i % PLANS.length];
            switch (i % 3) {
                case 0 -> definitions.add(new Definition(
                        "{\"attribute\": \"score\", \"op\": \"gt\", \"value\": " + threshold + "}",
                        "(attributes->>'score')::int > " + threshold));
                case 1 -> definitions.add(new Definition(
                        "{\"operator\": \"AND\", \"conditions\": [{\"attribute\": \"score\", \"op\": \"lte\", \"value\": "
                                + threshold + "}, {\"attribute\": \"country\", \"op\": \"neq\", \"value\": \"" + country + "\"}]}",
                        "(attributes->>'score')::int <= " + threshold + " AND attributes->>'country' <> '" + country + "'"));
                default -> definitions.add(new Definition(
                        "{\"operator\": \"OR\", \"conditions\": [{\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"" + plan
                                + "\"}, {\"operator\": \"NOT\", \"conditions\": [{\"attribute\": \"score\", \"op\": \"lt\", \"value\": "
                                + threshold + "}]}]}",
                        "(attributes->>'plan' = '" + plan + "' OR NOT (attributes->>'score')::int < " + threshold + ")"));
            }
        }
        return definitions;
    }

    /** Creates the segments through the API: segment id → its definition. */
    static Map<Long, Definition> createSegments(Http http, String prefix, List<Definition> definitions) {
        Map<Long, Definition> segments = new LinkedHashMap<>();
        for (int i = 0; i < definitions.size(); i++) {
            long id = http.expect(201, "/api/v1/segments",
                    "{\"name\": \"" + prefix + " " + i + "\", \"rules\": " + definitions.get(i).rules() + "}").get("id").asLong();
            segments.put(id, definitions.get(i));
        }
        return segments;
    }

    /** Inserts users {@code first .. first + count - 1}, without dirty flags (memberships are left stale). */
    static void insertUsers(Connection db, long first, int count) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO user_attribute_snapshot (user_id, attributes)
                SELECT g, jsonb_build_object('score', (g * 7919) % 100,
                                             'country', (ARRAY['US', 'DE', 'FR', 'BR'])[1 + (g * 31) % 4],
                                             'plan', (ARRAY['free', 'pro', 'team'])[1 + (g * 17) % 3])
                FROM generate_series(?::bigint, ?::bigint) AS g""")) {
            insert.setLong(1, first);
            insert.setLong(2, first + count - 1);
            insert.executeUpdate();
        }
    }

    /** Changes the score of users {@code first .. last} straight in the table and marks them dirty. */
    static void changeScoresAndMarkDirty(Connection db, long first, long last, int shift) throws SQLException {
        try (Statement sql = db.createStatement()) {
            sql.executeUpdate("UPDATE user_attribute_snapshot SET attributes = jsonb_set(attributes, '{score}', "
                    + "to_jsonb(((attributes->>'score')::int + " + shift + ") % 100)) WHERE user_id BETWEEN " + first + " AND " + last);
            sql.executeUpdate("INSERT INTO dirty_user (user_id, seq) SELECT g, nextval('dirty_user_seq') "
                    + "FROM generate_series(" + first + "::bigint, " + last + "::bigint) AS g ON CONFLICT (user_id) DO NOTHING");
        }
    }

    /**
     * Rows that differ between the open memberships and a from-scratch evaluation (missing plus extra),
     * over every segment, for the users {@code userFilter} selects (a condition on {@code user_id}).
     */
    static long mismatches(Connection db, Map<Long, Definition> segments, String userFilter) throws SQLException {
        long total = 0;
        for (Map.Entry<Long, Definition> segment : segments.entrySet()) {
            String expected = "SELECT user_id FROM user_attribute_snapshot WHERE (" + segment.getValue().sql() + ") AND " + userFilter;
            String actual = "SELECT user_id FROM segment_membership WHERE segment_id = " + segment.getKey()
                    + " AND removed_at IS NULL AND " + userFilter;
            try (Statement sql = db.createStatement();
                    ResultSet rows = sql.executeQuery("SELECT (SELECT count(*) FROM (" + expected + " EXCEPT " + actual + ") a)"
                            + " + (SELECT count(*) FROM (" + actual + " EXCEPT " + expected + ") b)")) {
                rows.next();
                total += rows.getLong(1);
            }
        }
        return total;
    }

    /** Open memberships of these segments. */
    static long memberships(Connection db, Map<Long, Definition> segments) throws SQLException {
        return count(db, "SELECT count(*) FROM segment_membership WHERE removed_at IS NULL AND segment_id = ANY('{"
                + String.join(",", segments.keySet().stream().map(String::valueOf).toList()) + "}'::bigint[])");
    }

    static long count(Connection db, String query) throws SQLException {
        try (Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
