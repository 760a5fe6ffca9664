package dev.segments.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every case of {@code rules/fixtures.json} through the Java evaluator and through SQL on PostgreSQL. */
class RuleFixturesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");
    private static final long[] SEGMENTS = {1, 2, 3};

    private static List<Fixture> fixtures;
    private static TestDatabase db;

    /** One case; the user id is its position plus one. */
    private record Fixture(long userId, String name, JsonNode rule, ObjectNode attributes,
                           Set<Long> memberships, boolean expected) {}

    @BeforeAll
    static void loadFixturesAndDatabase() throws Exception {
        JsonNode all;
        try (InputStream in = RuleFixturesTest.class.getResourceAsStream("/rules/fixtures.json")) {
            all = MAPPER.readTree(in);
        }
        fixtures = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            JsonNode c = all.get(i);
            Set<Long> members = new HashSet<>();
            c.path("memberships").forEach(id -> members.add(id.longValue()));
            fixtures.add(new Fixture(i + 1, c.get("name").textValue(), c.get("rule"),
                    (ObjectNode) c.get("attributes"), members, c.get("expected").booleanValue()));
        }
        db = TestDatabase.start();
        for (Fixture fixture : fixtures) {
            for (long segment : SEGMENTS) {
                // A removed membership never counts; an active one is added for listed segments.
                db.addMembership(segment, fixture.userId(), true);
                if (fixture.memberships().contains(segment)) {
                    db.addMembership(segment, fixture.userId(), false);
                }
            }
        }
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        db.close();
    }

    @Test
    void shouldHaveAtLeastEightyCases() {
        assertEquals(true, fixtures.size() >= 80, "only " + fixtures.size() + " fixtures");
    }

    @TestFactory
    Stream<DynamicTest> javaEvaluatorMatchesEveryFixture() {
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name() + " [java]", () -> {
            Rule rule = RuleParser.parse(f.rule(), "/rule");
            assertEquals(f.expected(), RuleEvaluator.matches(rule, f.attributes(), f.memberships()::contains, NOW));
            assertEquals(f.expected(), RuleEvaluator.compile(rule).test(f.attributes(), f.memberships()::contains, NOW));
            assertEquals(rule, RuleParser.parse(rule.toJson(), "/rule"), "round trip");
        }));
    }

    @TestFactory
    Stream<DynamicTest> sqlOnPostgresMatchesEveryFixture() {
        return IntStream.range(0, fixtures.size()).mapToObj(fixtures::get)
                .map(f -> DynamicTest.dynamicTest(f.name() + " [sql]", () -> {
                    assertEquals(f.expected(), sqlMatches(RuleParser.parse(f.rule(), "/rule"), f));
                }));
    }

    private static boolean sqlMatches(Rule rule, Fixture f) throws Exception {
        SqlParams params = new SqlParams(3);
        String expression = SqlCompiler.compile(rule, "d.attributes", "d.user_id", params, NOW);
        String sql = "SELECT " + expression + " FROM (SELECT $1::jsonb AS attributes, $2::bigint AS user_id) d";
        List<Object> values = new ArrayList<>(List.of(MAPPER.writeValueAsString(f.attributes()), f.userId()));
        values.addAll(params.values());
        try (PreparedStatement statement = db.prepare(sql, values); ResultSet rows = statement.executeQuery()) {
            rows.next();
            Boolean answer = (Boolean) rows.getObject(1);
            assertNotNull(answer, "SQL answered NULL for " + sql);
            return answer;
        }
    }
}
