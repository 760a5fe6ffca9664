package dev.segments.api;

import static dev.segments.testing.Api.allSegments;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.jobIds;
import static dev.segments.testing.Api.postSegment;
import static dev.segments.testing.Api.putSegment;
import static dev.segments.testing.Api.segmentBody;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every "Bad input" case of RULES.md through {@code POST /api/v1/segments}: 400, problem details, the
 * exact pointer of the offending node, and nothing stored. Segment names start with {@code rulesapi}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class RuleValidationApiTest {

    private static final String OK = "{\"attribute\": \"rv_a\", \"op\": \"eq\", \"value\": \"x\"}";

    static Stream<Arguments> badRules() {
        return Stream.of(
                Arguments.of("unknown operator", group("XOR", OK), "/rules/operator"),
                Arguments.of("lower-case operator", group("and", OK), "/rules/operator"),
                Arguments.of("operator not a string", "{\"operator\": 1, \"conditions\": []}", "/rules/operator"),
                Arguments.of("unknown op", cond("like", "\"x\""), "/rules/op"),
                Arguments.of("upper-case op", cond("EQ", "\"x\""), "/rules/op"),
                Arguments.of("neither group, condition nor reference", "{\"name\": \"x\"}", "/rules"),
                Arguments.of("empty object node", group("AND", OK, "{}"), "/rules/conditions/1"),
                Arguments.of("number as node", group("OR", OK, OK, "42"), "/rules/conditions/2"),
                Arguments.of("mixed group and condition",
                        "{\"operator\": \"AND\", \"conditions\": [], \"attribute\": \"a\"}", "/rules"),
                Arguments.of("NOT with no child", group("NOT"), "/rules"),
                Arguments.of("NOT with two children", group("AND", OK, group("NOT", OK, OK)), "/rules/conditions/1"),
                Arguments.of("eq with an array", cond("eq", "[1]"), "/rules/value"),
                Arguments.of("eq with an object", cond("eq", "{\"a\": 1}"), "/rules/value"),
                Arguments.of("eq with null", cond("eq", "null"), "/rules/value"),
                Arguments.of("neq with an array", cond("neq", "[\"x\"]"), "/rules/value"),
                Arguments.of("gt with a boolean", cond("gt", "true"), "/rules/value"),
                Arguments.of("gte with an array", cond("gte", "[1]"), "/rules/value"),
                Arguments.of("lt with an object", cond("lt", "{}"), "/rules/value"),
                Arguments.of("lte with null", cond("lte", "null"), "/rules/value"),
                Arguments.of("in with a string", cond("in", "\"x\""), "/rules/value"),
                Arguments.of("in with an object element", cond("in", "[\"x\", {}]"), "/rules/value/1"),
                Arguments.of("not_in with a number", cond("not_in", "3"), "/rules/value"),
                Arguments.of("contains with a number", cond("contains", "3"), "/rules/value"),
                Arguments.of("contains with an array", cond("contains", "[\"x\"]"), "/rules/value"),
                Arguments.of("eq with a number beyond double", cond("eq", "1e400"), "/rules/value"),
                Arguments.of("missing value", "{\"attribute\": \"rv_a\", \"op\": \"eq\"}", "/rules/value"),
                Arguments.of("missing value in a group", group("AND", OK, OK,
                        "{\"attribute\": \"rv_a\", \"op\": \"in\"}"), "/rules/conditions/2/value"),
                Arguments.of("value given to is_null", cond("is_null", "\"x\""), "/rules/value"),
                Arguments.of("value given to is_not_null", cond("is_not_null", "1"), "/rules/value"),
                Arguments.of("empty in list", cond("in", "[]"), "/rules/value"),
                Arguments.of("empty not_in list", cond("not_in", "[]"), "/rules/value"),
                Arguments.of("empty attribute name", "{\"attribute\": \"\", \"op\": \"is_null\"}", "/rules/attribute"),
                Arguments.of("attribute name of 257 characters",
                        "{\"attribute\": \"" + "a".repeat(257) + "\", \"op\": \"is_null\"}", "/rules/attribute"),
                Arguments.of("attribute name not a string", "{\"attribute\": 5, \"op\": \"is_null\"}",
                        "/rules/attribute"),
                Arguments.of("reference to a missing segment", group("OR", OK, "{\"segment\": 987654321}"),
                        "/rules/conditions/1"),
                Arguments.of("reference that is not an id", "{\"segment\": \"x\"}", "/rules/segment"),
                Arguments.of("conditions not an array", "{\"operator\": \"AND\", \"conditions\": {}}",
                        "/rules/conditions"),
                Arguments.of("rule not an object", "[]", "/rules"),
                Arguments.of("before with a number", cond("before", "20250115"), "/rules/value"),
                Arguments.of("before with a day that does not exist", cond("before", "\"2023-02-29\""), "/rules/value"),
                Arguments.of("before with a date-time without a zone", cond("before", "\"2025-01-15T10:00:00\""),
                        "/rules/value"),
                Arguments.of("after with a word", cond("after", "\"yesterday\""), "/rules/value"),
                Arguments.of("after with hour 24", cond("after", "\"2025-01-15T24:00:00Z\""), "/rules/value"),
                Arguments.of("after without a value", "{\"attribute\": \"rv_a\", \"op\": \"after\"}", "/rules/value"),
                Arguments.of("within_last with a number", cond("within_last", "30"), "/rules/value"),
                Arguments.of("within_last with amount 0", cond("within_last", span("0", "\"days\"")), "/rules/value/amount"),
                Arguments.of("within_last with a decimal amount", cond("within_last", span("1.5", "\"days\"")),
                        "/rules/value/amount"),
                Arguments.of("within_last with a string amount", cond("within_last", span("\"30\"", "\"days\"")),
                        "/rules/value/amount"),
                Arguments.of("within_last with an amount beyond 2^31-1",
                        cond("within_last", span("2147483648", "\"days\"")), "/rules/value/amount"),
                Arguments.of("within_last without an amount", cond("within_last", "{\"unit\": \"days\"}"),
                        "/rules/value/amount"),
                Arguments.of("within_last with unit months", cond("within_last", span("1", "\"months\"")),
                        "/rules/value/unit"),
                Arguments.of("within_last with upper-case unit", cond("within_last", span("1", "\"Days\"")),
                        "/rules/value/unit"),
                Arguments.of("more_than_ago with a negative amount", cond("more_than_ago", span("-1", "\"hours\"")),
                        "/rules/value/amount"),
                Arguments.of("more_than_ago without a unit", cond("more_than_ago", "{\"amount\": 3}"), "/rules/value/unit"),
                Arguments.of("more_than_ago with an unknown member",
                        cond("more_than_ago", "{\"amount\": 3, \"unit\": \"weeks\", \"ago\": true}"),
                        "/rules/value/ago"),
                Arguments.of("more_than_ago with a string", cond("more_than_ago", "\"30 days\""), "/rules/value"));
    }

    private static String span(String amount, String unit) {
        return "{\"amount\": " + amount + ", \"unit\": " + unit + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRules")
    void shouldRejectABadRuleAtItsPointer(String label, String rules, String pointer) {
        assertRejectedWithoutChange(() -> postSegment(segmentBody("rulesapi bad " + label, rules)), pointer);
    }

    /** The accepted rules match nobody: a segment any user matches would join every new user everywhere. */
    @Test
    void shouldAcceptEdgesOfTheLimits() {
        String name256 = "{\"attribute\": \"" + "b".repeat(256) + "\", \"op\": \"eq\", \"value\": 1}";
        postSegment(segmentBody("rulesapi 256 character attribute", name256)).then().statusCode(201);
        postSegment(segmentBody("rulesapi depth 32", nested(32))).then().statusCode(201);
        postSegment(segmentBody("rulesapi 1000 nodes", wide(999))).then().statusCode(201);
    }

    @Test
    void shouldRejectATreeDeeperThan32Levels() {
        String pointer = "/rules" + "/conditions/0".repeat(32);
        assertRejectedWithoutChange(() -> postSegment(segmentBody("rulesapi depth 33", nested(33))), pointer);
    }

    @Test
    void shouldRejectARuleWithMoreThan1000Nodes() {
        assertRejectedWithoutChange(() -> postSegment(segmentBody("rulesapi 1001 nodes", wide(1000))),
                "/rules/conditions/999");
    }

    @Test
    void shouldRejectAReferenceThatMakesACycle() {
        long b = createSegmentAndWait("rulesapi cycle b", OK);
        long a = createSegmentAndWait("rulesapi cycle a", group("AND", "{\"segment\": " + b + "}"));
        String bRefsA = group("OR", OK, "{\"segment\": " + a + "}");

        assertRejectedWithoutChange(() -> putSegment(b, segmentBody("rulesapi cycle b", bRefsA)),
                "/rules/conditions/1", a, b);
    }

    @Test
    void shouldRejectACycleThroughAChainOfReferences() {
        long c = createSegmentAndWait("rulesapi chain c", OK);
        long b = createSegmentAndWait("rulesapi chain b", "{\"segment\": " + c + "}");
        long a = createSegmentAndWait("rulesapi chain a", "{\"segment\": " + b + "}");

        assertRejectedWithoutChange(() -> putSegment(c, segmentBody("rulesapi chain c", "{\"segment\": " + a + "}")),
                "/rules", a, b, c);
    }

    @Test
    void shouldRejectASelfReference() {
        long self = createSegmentAndWait("rulesapi self", OK);
        String selfRef = group("AND", OK, group("NOT", "{\"segment\": " + self + "}"));

        assertRejectedWithoutChange(() -> putSegment(self, segmentBody("rulesapi self", selfRef)),
                "/rules/conditions/1/conditions/0", self);
    }

    @Test
    void shouldRejectABadRuleOnChangeWithoutChangingTheSegment() {
        long id = createSegmentAndWait("rulesapi change bad", OK);
        assertRejectedWithoutChange(() -> putSegment(id, segmentBody("rulesapi change bad renamed", cond("EQ", "1"))),
                "/rules/op", id);
    }

    @Test
    void shouldRejectMalformedJson() {
        assertRejectedWithoutChange(() -> postSegment("{\"name\": \"rulesapi malformed\", \"rules\": {"));
        assertRejectedWithoutChange(() -> postSegment("{\"name\": \"rulesapi trailing\", \"rules\": " + OK + "} x"));
    }

    @Test
    void shouldRejectAMissingNameAndMissingRules() {
        assertRejectedWithoutChange(() -> postSegment("{\"rules\": " + OK + "}"), "/name");
        assertRejectedWithoutChange(() -> postSegment("{\"name\": \"rulesapi no rules\"}"), "/rules");
        assertRejectedWithoutChange(() -> postSegment("{\"name\": \"  \", \"rules\": " + OK + "}"), "/name");
    }

    @Test
    void shouldReportABadAmountAndABadUnitOfOneSpan() {
        assertRejectedWithoutChange(() -> postSegment(segmentBody("rulesapi bad span",
                cond("more_than_ago", span("0", "7")))), "/rules/value/amount", "/rules/value/unit");
    }

    @Test
    void shouldReportEveryProblemOfOneRule() {
        String rules = group("AND", cond("EQ", "1"), OK, "{\"attribute\": \"\", \"op\": \"in\", \"value\": []}");
        assertRejectedWithoutChange(() -> postSegment(segmentBody("rulesapi many problems", rules)),
                "/rules/conditions/0/op", "/rules/conditions/2/attribute", "/rules/conditions/2/value");
    }

    /**
     * Sends the request and checks the 400 problem names exactly these pointers (none checked when none
     * given) and that no segment, rule or job changed: the segment list and the jobs of {@code watched}.
     */
    private static void assertRejectedWithoutChange(Supplier<Response> request, Object... pointersThenWatched) {
        List<String> pointers = Stream.of(pointersThenWatched).filter(String.class::isInstance).map(String.class::cast)
                .toList();
        List<Long> watched = Stream.of(pointersThenWatched).filter(Long.class::isInstance).map(Long.class::cast)
                .toList();
        List<Map<String, Object>> segmentsBefore = definitions();
        List<List<Long>> jobsBefore = watched.stream().map(id -> jobIds(id)).toList();

        var response = request.get().then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", not(emptyOrNullString()))
                .body("detail", not(emptyOrNullString()));
        if (!pointers.isEmpty()) {
            response.body("errors.pointer", contains(pointers.toArray()))
                    .body("errors.message", everyItem(not(emptyOrNullString())));
        }

        assertEquals(segmentsBefore, definitions());
        assertEquals(jobsBefore, watched.stream().map(id -> jobIds(id)).toList());
    }

    /** What a rejected request must not change: every segment's id, name, description, rules and time. */
    private static List<Map<String, Object>> definitions() {
        return allSegments().stream().map(s -> Map.of("id", s.get("id"), "name", s.get("name"),
                "rules", s.get("rules"), "updated_at", s.get("updated_at"),
                "is_composable", s.get("is_composable"))).toList();
    }

    private static String cond(String op, String value) {
        return "{\"attribute\": \"rv_a\", \"op\": \"" + op + "\", \"value\": " + value + "}";
    }

    private static String group(String operator, String... children) {
        return "{\"operator\": \"" + operator + "\", \"conditions\": [" + String.join(", ", children) + "]}";
    }

    /** A chain of AND groups whose innermost condition sits at level {@code levels}. */
    private static String nested(int levels) {
        String node = OK;
        for (int level = 1; level < levels; level++) {
            node = group("AND", node);
        }
        return node;
    }

    /** An OR group of {@code children} conditions: {@code children + 1} nodes. */
    private static String wide(int children) {
        return group("OR", Stream.generate(() -> OK).limit(children).toArray(String[]::new));
    }
}
