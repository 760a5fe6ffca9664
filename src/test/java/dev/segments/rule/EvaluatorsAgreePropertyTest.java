package dev.segments.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Differential test: random rules over a fixed pool of random documents and memberships; the
 * Java evaluator and SQL on PostgreSQL must give the same answer for every pair.
 */
class EvaluatorsAgreePropertyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int DOCUMENTS = 2000;
    private static final int TRIES = 150;
    private static final Instant NOW = RandomValues.NOW;
    private static final AtomicLong PAIRS = new AtomicLong();
    /** Answers of single time conditions: [false, true]; both must occur or the dates miss the boundaries. */
    private static final AtomicLong[] TIME_ANSWERS = {new AtomicLong(), new AtomicLong()};

    private static TestDatabase db;
    private static List<ObjectNode> documents;
    private static List<Set<Long>> memberships;

    @BeforeContainer
    static void loadDocuments() throws Exception {
        db = TestDatabase.start();
        db.execute("CREATE TABLE docs (id bigint PRIMARY KEY, attributes jsonb NOT NULL)");
        RandomDocuments generator = new RandomDocuments(20250115L);
        Random random = new Random(7);
        documents = new ArrayList<>();
        memberships = new ArrayList<>();
        try (PreparedStatement insert = db.connection().prepareStatement("INSERT INTO docs VALUES (?, ?::jsonb)")) {
            for (int id = 0; id < DOCUMENTS; id++) {
                String text = MAPPER.writeValueAsString(generator.next());
                documents.add((ObjectNode) MAPPER.readTree(text));
                insert.setLong(1, id);
                insert.setString(2, text);
                insert.addBatch();
                memberships.add(randomMemberships(id, random));
            }
            insert.executeBatch();
        }
        db.execute("ANALYZE docs");
    }

    /** For each of segments 1..3: no row, an active row, a removed row, or removed then active again. */
    private static Set<Long> randomMemberships(long userId, Random random) throws Exception {
        Set<Long> active = new HashSet<>();
        for (long segment = 1; segment <= 3; segment++) {
            int state = random.nextInt(4);
            if (state >= 2) {
                db.addMembership(segment, userId, true);
            }
            if (state == 1 || state == 3) {
                db.addMembership(segment, userId, false);
                active.add(segment);
            }
        }
        return active;
    }

    @AfterContainer
    static void stopDatabase() throws Exception {
        db.close();
        if (PAIRS.get() < 100_000) {
            throw new AssertionError("only " + PAIRS.get() + " (rule, document) pairs were compared");
        }
        if (TIME_ANSWERS[0].get() == 0 || TIME_ANSWERS[1].get() < 1_000) {
            throw new AssertionError("time conditions answered false " + TIME_ANSWERS[0] + " and true " + TIME_ANSWERS[1]
                    + " times: the random dates do not exercise them");
        }
    }

    @Provide
    Arbitrary<Rule> rules() {
        return RandomRules.rules(5);
    }

    @Provide
    Arbitrary<Rule> timeConditions() {
        return RandomRules.timeConditions();
    }

    /** Breadth on the time operators alone, at the boundaries around {@code NOW}. */
    @Property(tries = 50)
    void javaAndSqlAgreeOnTimeConditions(@ForAll("timeConditions") Rule rule) throws Exception {
        Boolean[] sql = sqlAnswers(rule);
        CompiledRule compiled = RuleEvaluator.compile(rule);
        for (int id = 0; id < DOCUMENTS; id++) {
            ObjectNode document = documents.get(id);
            boolean java = compiled.test(document, Set.of()::contains, NOW);
            assertEquals(java, sql[id], () -> "rule " + rule.canonical() + " on " + document);
            TIME_ANSWERS[java ? 1 : 0].incrementAndGet();
        }
        PAIRS.addAndGet(DOCUMENTS);
    }

    @Property(tries = TRIES)
    void javaAndSqlAgreeOnEveryDocument(@ForAll("rules") Rule rule) throws Exception {
        assertEquals(rule, RuleParser.parse(rule.toJson(), ""), "round trip");
        Boolean[] sql = sqlAnswers(rule);
        CompiledRule compiled = RuleEvaluator.compile(rule);
        List<String> disagreements = new ArrayList<>();
        for (int id = 0; id < DOCUMENTS; id++) {
            boolean java = compiled.test(documents.get(id), memberships.get(id)::contains, NOW);
            if (sql[id] == null || sql[id] != java) {
                disagreements.add("document " + id + " " + documents.get(id) + " memberships " + memberships.get(id)
                        + ": java=" + java + " sql=" + sql[id]);
            }
        }
        PAIRS.addAndGet(DOCUMENTS);
        if (!disagreements.isEmpty()) {
            throw new AssertionError(disagreements.size() + " disagreements for rule " + rule.canonical() + "\n"
                    + String.join("\n", disagreements.subList(0, Math.min(5, disagreements.size()))));
        }
    }

    private static Boolean[] sqlAnswers(Rule rule) throws Exception {
        SqlParams params = new SqlParams(1);
        String sql = "SELECT id, " + SqlCompiler.compile(rule, "d.attributes", "d.id", params, NOW) + " FROM docs d";
        Boolean[] answers = new Boolean[DOCUMENTS];
        try (PreparedStatement query = db.prepare(sql, params.values()); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                answers[(int) rows.getLong(1)] = (Boolean) rows.getObject(2);
            }
        }
        return answers;
    }
}
