package dev.segments.rule;

import static dev.segments.rule.RuleParserTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parsed rule: its tree, summaries and canonical form. */
class RuleTest {
    private static final String RICH = "{'operator':'AND','conditions':["
            + "{'attribute':'country','op':'in','value':['US',1.5,true,2.0]},"
            + "{'operator':'NOT','conditions':[{'segment':7}]},"
            + "{'operator':'OR','conditions':[{'op':'gte','value':-0.0,'attribute':'age'},{'segment':3},"
            + "{'attribute':'email','op':'is_not_null'},{'attribute':'country','op':'contains','value':'U'}]}]}";

    @Test
    void shouldRoundTripThroughCanonicalJson() {
        Rule rule = RuleParser.parse(json(RICH), "/rules");
        assertEquals(rule, RuleParser.parse(rule.toJson(), "/rules"));
        assertEquals(rule.hashCode(), RuleParser.parse(rule.toJson(), "/rules").hashCode());
    }

    @Test
    void shouldWriteCanonicalKeyOrderAndIntegers() {
        Rule rule = RuleParser.parse(json("{'value':1.0,'op':'eq','attribute':'n'}"), "");
        assertEquals("{\"attribute\":\"n\",\"op\":\"eq\",\"value\":1}", rule.canonical());
        assertEquals("{\"operator\":\"OR\",\"conditions\":[]}",
                RuleParser.parse(json("{'conditions':[],'operator':'OR'}"), "").canonical());
    }

    @Test
    void shouldWriteMinusZeroAsZeroAndKeepLargeAndFractionalNumbers() {
        assertEquals("[0,9007199254740992,1.5,1.0E300]", RuleParser.parse(
                json("{'attribute':'n','op':'in','value':[-0.0,9007199254740992,1.5,1e300]}"), "")
                .toJson().get("value").toString());
    }

    @Test
    void shouldGiveEqualCanonicalTextForEquivalentInput() {
        Rule a = RuleParser.parse(json("{'attribute':'n','op':'eq','value':1}"), "/a");
        Rule b = RuleParser.parse(json("{'value':1.0,'attribute':'n','op':'eq'}"), "/b");
        assertEquals(a.canonical(), b.canonical());
        assertEquals(a, b);
    }

    @Test
    void shouldListAttributesAndReferencesWithPointers() {
        Rule rule = RuleParser.parse(json(RICH), "/rules");
        assertEquals(Set.of("country", "age", "email"), rule.attributes());
        assertEquals(List.of(new SegmentRef(7, "/rules/conditions/1/conditions/0"),
                new SegmentRef(3, "/rules/conditions/2/conditions/1")), rule.references());
        assertTrue(rule.isComposable());
        assertFalse(RuleParser.parse(json("{'attribute':'a','op':'is_null'}"), "").isComposable());
    }

    @Test
    void shouldKeepTheTreeImmutable() {
        Rule rule = RuleParser.parse(json(RICH), "/rules");
        Group root = (Group) rule.root();
        assertThrows(UnsupportedOperationException.class, () -> root.children().clear());
        assertThrows(UnsupportedOperationException.class, () -> rule.attributes().clear());
    }

    @Test
    void shouldRefuseToBuildInvalidNodesDirectly() {
        assertThrows(IllegalArgumentException.class, () -> new Group(Logic.NOT, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Condition("a", Operator.IS_NULL, new RuleValue.Bool(true)));
        assertThrows(IllegalArgumentException.class, () -> new Condition("a", Operator.CONTAINS, new RuleValue.Numeric(1)));
        assertThrows(IllegalArgumentException.class, () -> new RuleValue.Numeric(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new RuleValue.ScalarList(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SegmentRef(0, ""));
    }
}
