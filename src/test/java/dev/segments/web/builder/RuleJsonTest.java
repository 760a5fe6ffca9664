package dev.segments.web.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> TYPES = Map.of("country", "string", "ltv", "number", "opt_in", "boolean",
            "signup", "date");

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void shouldRoundTripANestedRuleWithNotAndReferences() throws Exception {
        JsonNode rule = json("""
                {"operator":"AND","conditions":[
                  {"attribute":"country","op":"in","value":["US","CA"]},
                  {"attribute":"ltv","op":"gt","value":100},
                  {"operator":"NOT","conditions":[{"operator":"OR","conditions":[
                     {"attribute":"opt_in","op":"eq","value":false},{"segment":7}]}]},
                  {"attribute":"signup","op":"within_last","value":{"amount":30,"unit":"days"}},
                  {"attribute":"country","op":"is_null"}]}""");
        RuleJson written = RuleJson.of(RuleJson.load(rule), TYPES);
        assertEquals(rule.toString(), written.json().toString());
    }

    @Test
    void shouldKeepListValuesThatHoldCommasQuotesAndSpaces() throws Exception {
        JsonNode rule = json("""
                {"operator":"AND","conditions":[
                  {"attribute":"country","op":"in","value":["Smith, John","say \\"hi\\""," padded ","","US"]},
                  {"attribute":"ltv","op":"not_in","value":[1,2.5]}]}""");
        BuilderTree tree = RuleJson.load(rule);
        RuleJson written = RuleJson.of(tree, TYPES);
        assertEquals(rule.toString(), written.json().toString());
    }

    @Test
    void shouldMapEveryNodeToItsPointerAndErrorsToTheDeepestNode() throws Exception {
        JsonNode rule = json("""
                {"operator":"AND","conditions":[{"attribute":"ltv","op":"gt","value":1},
                  {"operator":"NOT","conditions":[{"operator":"AND","conditions":[{"segment":3}]}]}]}""");
        RuleJson written = RuleJson.of(RuleJson.load(rule), TYPES);
        assertEquals("/rules", written.pointers().get("r"));
        assertEquals("/rules/conditions/1", written.pointers().get("r-1"));
        assertEquals("/rules/conditions/1/conditions/0/conditions/0", written.pointers().get("r-1-0"));
        assertEquals("r-0", written.pathOf("/rules/conditions/0/value"));
        assertEquals("r-1-0", written.pathOf("/rules/conditions/1/conditions/0/conditions/0/segment"));
        assertEquals("r", written.pathOf("/rules/conditions/12"));
        assertNull(written.pathOf("/name"));
    }

    @Test
    void shouldTypeValuesByTheAttributesType() {
        assertEquals(MAPPER.getNodeFactory().numberNode(100L), RuleJson.scalar("100", "number"));
        assertEquals(MAPPER.getNodeFactory().numberNode(2.5), RuleJson.scalar("2.5", "number"));
        assertEquals(MAPPER.getNodeFactory().textNode("100"), RuleJson.scalar("100", "string"));
        assertEquals(MAPPER.getNodeFactory().booleanNode(true), RuleJson.scalar("true", "boolean"));
        assertEquals(MAPPER.getNodeFactory().textNode("abc"), RuleJson.scalar("abc", "number"));
    }

    @Test
    void shouldLeaveAnEmptyValueOutSoThatValidationNamesIt() throws Exception {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.add("n", "r");
        form.add("r.k", "g");
        form.add("r.logic", "OR");
        form.add("n", "r-0");
        form.add("r-0.k", "c");
        form.add("r-0.attr", "ltv");
        form.add("r-0.op", "gte");
        form.add("r-0.val", "");
        JsonNode written = RuleJson.of(BuilderTree.fromForm(form), TYPES).json();
        assertEquals(json("{\"operator\":\"OR\",\"conditions\":[{\"attribute\":\"ltv\",\"op\":\"gte\"}]}").toString(),
                written.toString());
    }

    @Test
    void shouldRebuildTheTreeFromTheFormInDocumentOrderAndMoveNodes() throws Exception {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        String[][] nodes = {{"r", "g"}, {"r-0", "c"}, {"r-1", "g"}, {"r-1-0", "s"}, {"r-2", "c"}};
        for (String[] node : nodes) {
            form.add("n", node[0]);
            form.add(node[0] + ".k", node[1]);
        }
        form.add("r-0.attr", "country");
        form.add("r-0.val", "US");
        form.add("r-1.not", "on");
        form.add("r-1-0.seg", "5");
        form.add("r-2.attr", "ltv");
        form.add("r-2.op", "lt");
        form.add("r-2.val", "3");
        BuilderTree tree = BuilderTree.fromForm(form);
        tree.apply("up", "r-2", "", "");
        tree.apply("remove", "r-2", "", "");
        assertEquals(json("""
                {"operator":"AND","conditions":[{"attribute":"country","op":"eq","value":"US"},
                  {"attribute":"ltv","op":"lt","value":3}]}""").toString(), RuleJson.of(tree, TYPES).json().toString());
        tree.apply("add-group", "r", "opt_in", "");
        assertEquals("OR", tree.find("r-2").logic);
        assertEquals("opt_in", tree.find("r-2-0").attribute);
        tree.apply("up", "r-0", "", "");
        assertEquals("country", tree.find("r-0").attribute);
    }
}
