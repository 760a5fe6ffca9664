package dev.segments.rule;

import static dev.segments.rule.RuleParserTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shape of the SQL text: bind parameters only, explicit casts, numbering. */
class SqlCompilerTest {
    private static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");

    private static final String HOSTILE = "{'operator':'OR','conditions':["
            + "{'attribute':'x\\u0027); DROP TABLE users; --','op':'eq','value':'evil\\u0027 OR 1=1'},"
            + "{'attribute':'n','op':'in','value':[1,'two',false]},{'segment':9},"
            + "{'attribute':'at','op':'within_last','value':{'amount':3,'unit':'days'}},"
            + "{'attribute':'at','op':'before','value':'2025-01-01T00:00:00+01:00'}]}";

    static List<Integer> placeholders(String sql) {
        List<Integer> numbers = new ArrayList<>();
        Matcher matcher = Pattern.compile("\\$(\\d+)").matcher(sql);
        while (matcher.find()) {
            numbers.add(Integer.parseInt(matcher.group(1)));
        }
        return numbers;
    }

    @Test
    void shouldNeverSpliceNamesOrValuesIntoTheText() {
        SqlParams params = new SqlParams(1);
        String sql = SqlCompiler.compile(RuleParser.parse(json(HOSTILE), ""), "u.attributes", "u.id", params, NOW);
        assertFalse(sql.contains("DROP"), sql);
        assertFalse(sql.contains("evil"), sql);
        assertFalse(sql.contains("two"), sql);
        assertTrue(params.values().contains("x'); DROP TABLE users; --"));
        assertTrue(params.values().contains(9L));
    }

    @Test
    void shouldNumberPlaceholdersOnceEachInIncreasingOrderFromTheFirstIndex() {
        SqlParams params = new SqlParams(3);
        String sql = SqlCompiler.compile(RuleParser.parse(json(HOSTILE), ""), "u.attributes", "u.id", params, NOW);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < params.values().size(); i++) {
            expected.add(3 + i);
        }
        assertEquals(expected, placeholders(sql));
    }

    @Test
    void shouldCastEveryPlaceholderExplicitly() {
        SqlParams params = new SqlParams(1);
        String sql = SqlCompiler.compile(RuleParser.parse(json(HOSTILE), ""), "u.attributes", "u.id", params, NOW);
        Matcher uncast = Pattern.compile("\\$\\d++(?!::(text|float8|boolean|bigint))").matcher(sql);
        assertFalse(uncast.find(), sql);
    }

    @Test
    void shouldCompileAReferenceToAnExistsOverActiveMemberships() {
        SqlParams params = new SqlParams(1);
        assertEquals("EXISTS (SELECT 1 FROM segment_membership m WHERE m.segment_id = $1::bigint"
                        + " AND m.user_id = u.id AND m.removed_at IS NULL)",
                SqlCompiler.compile(RuleParser.parse(json("{'segment':42}"), ""), "u.attributes", "u.id", params, NOW));
        assertEquals(List.of(42L), params.values());
    }

    @Test
    void shouldBindNowAndTheDatesNeverCallingPostgresClock() {
        SqlParams params = new SqlParams(1);
        String sql = SqlCompiler.compile(RuleParser.parse(json(HOSTILE), ""), "u.attributes", "u.id", params, NOW);
        long nowMicros = 1_736_942_400_000_000L;
        assertFalse(sql.toLowerCase(java.util.Locale.ROOT).matches("(?s).*(now\\(|current_|localtime|::timestamp).*"), sql);
        assertTrue(params.values().contains(nowMicros), "now bound as microseconds: " + params.values());
        assertTrue(params.values().contains(nowMicros - 3 * 86_400_000_000L), "now - 3 days bound: " + params.values());
        assertTrue(params.values().contains(1_735_686_000_000_000L), "the before date bound: " + params.values());
    }

    @Test
    void shouldCompileEmptyGroupsToConstants() {
        assertEquals("TRUE", SqlCompiler.compile(RuleParser.parse(json("{'operator':'AND','conditions':[]}"), ""),
                "a", "u", new SqlParams(1), NOW));
        assertEquals("FALSE", SqlCompiler.compile(RuleParser.parse(json("{'operator':'OR','conditions':[]}"), ""),
                "a", "u", new SqlParams(1), NOW));
    }

    @Test
    void shouldRefuseToBindUnsupportedTypes() {
        SqlParams params = new SqlParams(1);
        assertThrows(IllegalArgumentException.class, () -> params.bind(1));
        assertThrows(IllegalArgumentException.class, () -> params.bind(null));
        assertThrows(IllegalArgumentException.class, () -> new SqlParams(0));
        assertEquals("$1", params.bind("a"));
        assertEquals("$2", params.bind(2.0));
    }
}
