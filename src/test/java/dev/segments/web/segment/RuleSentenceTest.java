package dev.segments.web.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.rule.RuleParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleSentenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<RuleSentence.Token> sentence(String rule, Map<Long, String> names) throws Exception {
        return RuleSentence.of(RuleParser.parse(JSON.readTree(rule), "/rules").root(), names);
    }

    private static String text(String rule) throws Exception {
        return RuleSentence.text(sentence(rule, Map.of()));
    }

    @Test
    void shouldReadAndWithANestedOrInParentheses() throws Exception {
        assertEquals("country is \"US\" and lifetime_value is greater than 100 and "
                        + "(account_tier is \"premium\" or referral_source is \"partner\")",
                text("""
                        {"operator": "AND", "conditions": [
                          {"attribute": "country", "op": "eq", "value": "US"},
                          {"attribute": "lifetime_value", "op": "gt", "value": 100},
                          {"operator": "OR", "conditions": [
                            {"attribute": "account_tier", "op": "eq", "value": "premium"},
                            {"attribute": "referral_source", "op": "eq", "value": "partner"}]}]}"""));
    }

    @Test
    void shouldWriteNotAsNotWithParentheses() throws Exception {
        assertEquals("not (country is \"US\")", text("""
                {"operator": "NOT", "conditions": [{"attribute": "country", "op": "eq", "value": "US"}]}"""));
        assertEquals("plan is set and not (a is 1 or b is at most 2.5)", text("""
                {"operator": "AND", "conditions": [{"attribute": "plan", "op": "is_not_null"},
                  {"operator": "NOT", "conditions": [{"operator": "OR", "conditions": [
                    {"attribute": "a", "op": "eq", "value": 1}, {"attribute": "b", "op": "lte", "value": 2.5}]}]}]}"""));
    }

    @Test
    void shouldLinkSegmentReferencesByName() throws Exception {
        var tokens = sentence("""
                {"operator": "AND", "conditions": [{"segment": 7}, {"segment": 8}]}""", Map.of(7L, "High value"));
        assertEquals("member of High value and member of segment #8", RuleSentence.text(tokens));
        var ref = tokens.stream().filter(RuleSentence.Token::isRef).findFirst().orElseThrow();
        assertEquals(7L, ref.segmentId());
        assertEquals("ref", ref.kind());
    }

    @Test
    void shouldReadTimeOperators() throws Exception {
        assertEquals("signup_date within the last 30 days", text("""
                {"attribute": "signup_date", "op": "within_last", "value": {"amount": 30, "unit": "days"}}"""));
        assertEquals("seen more than 1 week ago", text("""
                {"attribute": "seen", "op": "more_than_ago", "value": {"amount": 1, "unit": "weeks"}}"""));
        assertEquals("d is before \"2026-01-01\"", text("""
                {"attribute": "d", "op": "before", "value": "2026-01-01"}"""));
    }

    @Test
    void shouldReadListsBooleansAndEmptyGroups() throws Exception {
        assertEquals("c is one of \"US\", \"CA\" or vip is true", text("""
                {"operator": "OR", "conditions": [{"attribute": "c", "op": "in", "value": ["US", "CA"]},
                  {"attribute": "vip", "op": "eq", "value": true}]}"""));
        assertEquals("every user", text("{\"operator\": \"AND\", \"conditions\": []}"));
    }

    @Test
    void shouldKeepMarkupAsPlainTextInTokens() throws Exception {
        var tokens = sentence("""
                {"attribute": "<b>x</b>", "op": "eq", "value": "<img src=x onerror=alert(1)>"}""", Map.of());
        assertTrue(tokens.stream().anyMatch(t -> t.kind().equals("attr") && t.text().equals("<b>x</b>")));
        assertTrue(tokens.stream().anyMatch(t -> t.kind().equals("val") && t.text().equals("\"<img src=x onerror=alert(1)>\"")));
    }
}
