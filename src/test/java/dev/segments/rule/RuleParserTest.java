package dev.segments.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with the JSON Pointer of every offending node or member. */
class RuleParserTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Parses JSON written with ' for " (for readability). */
    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<RuleError> errors(JsonNode rule) {
        return assertThrows(RuleException.class, () -> RuleParser.parse(rule, "/rules")).errors();
    }

    static void assertRejectedAt(String rule, String... pointers) {
        assertRejectedAt(json(rule), pointers);
    }

    static void assertRejectedAt(JsonNode rule, String... pointers) {
        List<RuleError> errors = errors(rule);
        assertEquals(List.of(pointers), errors.stream().map(RuleError::pointer).collect(Collectors.toList()),
                errors.toString());
    }

    static String condition(String op, String value) {
        return "{'attribute':'a','op':'" + op + "'" + (value == null ? "" : ",'value':" + value) + "}";
    }

    static String and(String... children) {
        return "{'operator':'AND','conditions':[" + String.join(",", children) + "]}";
    }

    @Test
    void shouldRejectUnknownGroupOperatorCaseSensitively() {
        assertRejectedAt("{'operator':'and','conditions':[]}", "/rules/operator");
        assertRejectedAt("{'operator':'XOR','conditions':[]}", "/rules/operator");
        assertRejectedAt("{'operator':1,'conditions':[]}", "/rules/operator");
    }

    @Test
    void shouldRejectUnknownOpCaseSensitively() {
        assertRejectedAt(and(condition("EQ", "1")), "/rules/conditions/0/op");
        assertRejectedAt(and(condition("eq", "1"), condition("like", "'a'")), "/rules/conditions/1/op");
        assertRejectedAt("{'attribute':'a','op':null,'value':1}", "/rules/op");
    }

    @Test
    void shouldRejectNodesThatAreNotObjects() {
        assertRejectedAt("[]", "/rules");
        assertRejectedAt("null", "/rules");
        assertRejectedAt(and("1", "'x'", "[]"), "/rules/conditions/0", "/rules/conditions/1", "/rules/conditions/2");
    }

    @Test
    void shouldRejectObjectsOfNoKnownKind() {
        assertRejectedAt("{}", "/rules");
        assertRejectedAt(and("{'name':'a'}"), "/rules/conditions/0");
    }

    @Test
    void shouldRejectAmbiguousNodes() {
        assertRejectedAt("{'operator':'AND','conditions':[],'segment':1}", "/rules");
        assertRejectedAt("{'attribute':'a','op':'eq','value':1,'segment':1}", "/rules");
    }

    @Test
    void shouldRejectUnknownMembersAtTheirOwnEscapedPointer() {
        assertRejectedAt("{'attribute':'a','op':'eq','value':1,'extra':2}", "/rules/extra");
        assertRejectedAt("{'segment':1,'a/b~c':2}", "/rules/a~1b~0c");
        assertRejectedAt("{'operator':'AND','conditions':[],'Operator':'OR'}", "/rules/Operator");
    }

    @Test
    void shouldRejectConditionsThatAreNotAnArray() {
        assertRejectedAt("{'operator':'AND','conditions':{}}", "/rules/conditions");
        assertRejectedAt("{'operator':'OR'}", "/rules/conditions");
    }

    @Test
    void shouldRejectNotWithoutExactlyOneChild() {
        assertRejectedAt("{'operator':'NOT','conditions':[]}", "/rules");
        assertRejectedAt("{'operator':'NOT','conditions':[{'segment':1},{'segment':2}]}", "/rules");
    }

    @Test
    void shouldRejectValuesOfTheWrongTypeForTheOp() {
        assertRejectedAt(condition("eq", "[1]"), "/rules/value");
        assertRejectedAt(condition("eq", "{}"), "/rules/value");
        assertRejectedAt(condition("neq", "null"), "/rules/value");
        assertRejectedAt(condition("gt", "true"), "/rules/value");
        assertRejectedAt(condition("lte", "[1]"), "/rules/value");
        assertRejectedAt(condition("contains", "1"), "/rules/value");
        assertRejectedAt(condition("contains", "['a']"), "/rules/value");
        assertRejectedAt(condition("in", "'a'"), "/rules/value");
        assertRejectedAt(condition("not_in", "{}"), "/rules/value");
    }

    @Test
    void shouldRejectEmptyInLists() {
        assertRejectedAt(condition("in", "[]"), "/rules/value");
        assertRejectedAt(condition("not_in", "[]"), "/rules/value");
    }

    @Test
    void shouldRejectEveryListElementThatIsNotAScalar() {
        assertRejectedAt(condition("in", "[1,[2],{},null,'ok',true]"), "/rules/value/1", "/rules/value/2", "/rules/value/3");
    }

    @Test
    void shouldRejectAMissingValue() {
        assertRejectedAt(condition("eq", null), "/rules/value");
        assertRejectedAt(condition("in", null), "/rules/value");
    }

    @Test
    void shouldRejectAnyValueGivenToIsNullAndIsNotNull() {
        assertRejectedAt(condition("is_null", "1"), "/rules/value");
        assertRejectedAt(condition("is_not_null", "null"), "/rules/value");
    }

    @Test
    void shouldRejectBadAttributeNames() {
        assertRejectedAt("{'attribute':'','op':'is_null'}", "/rules/attribute");
        assertRejectedAt("{'attribute':1,'op':'is_null'}", "/rules/attribute");
        assertRejectedAt("{'op':'is_null'}", "/rules/attribute");
        assertRejectedAt("{'attribute':'" + "x".repeat(257) + "','op':'is_null'}", "/rules/attribute");
    }

    @Test
    void shouldCountAttributeNameLengthInCodePoints() {
        String smileys = "\uD83D\uDE00".repeat(256);
        RuleParser.parse(json("{'attribute':'" + smileys + "','op':'is_null'}"), "/rules");
        assertRejectedAt("{'attribute':'" + smileys + "x','op':'is_null'}", "/rules/attribute");
    }

    @Test
    void shouldRejectSegmentIdsThatAreNotPositiveIntegers() {
        for (String id : List.of("0", "-1", "1.5", "1.0", "'7'", "null", "9223372036854775808", "[1]")) {
            assertRejectedAt("{'segment':" + id + "}", "/rules/segment");
        }
    }

    @Test
    void shouldRejectStringsContainingNul() {
        assertRejectedAt(condition("eq", "'a\\u0000b'"), "/rules/value");
        assertRejectedAt(condition("in", "['ok','\\u0000']"), "/rules/value/1");
        assertRejectedAt("{'attribute':'a\\u0000','op':'is_null'}", "/rules/attribute");
        assertTrue(errors(json(condition("contains", "'\\u0000'"))).get(0).message().contains("U+0000"));
    }

    @Test
    void shouldRejectUnpairedSurrogates() {
        assertRejectedAt(condition("eq", "'\\ud800'"), "/rules/value");
        assertRejectedAt("{'attribute':'\\udc00x','op':'is_null'}", "/rules/attribute");
    }

    @Test
    void shouldRejectNumbersThatAreNotFiniteDoubles() {
        assertRejectedAt(condition("eq", "1e400"), "/rules/value");
        assertRejectedAt(condition("gt", "-1e400"), "/rules/value");
        assertRejectedAt(condition("in", "[1, 1" + "0".repeat(400) + "]"), "/rules/value/1");
    }

    @Test
    void shouldCollectEveryErrorInDocumentOrder() {
        String rule = and(condition("EQ", "1"), "{'segment':0}",
                "{'operator':'OR','conditions':[" + condition("in", "[]") + "]}");
        assertRejectedAt(rule, "/rules/conditions/0/op", "/rules/conditions/1/segment",
                "/rules/conditions/2/conditions/0/value");
    }

    @Test
    void shouldReportTheMessageWithThePointer() {
        RuleException e = assertThrows(RuleException.class,
                () -> RuleParser.parse(json(condition("eq", null)), "/rules"));
        assertTrue(e.getMessage().contains("/rules/value"), e.getMessage());
        assertTrue(e.errors().get(0).message().contains("value"), e.getMessage());
    }
}
