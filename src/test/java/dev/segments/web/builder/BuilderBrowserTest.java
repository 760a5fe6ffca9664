package dev.segments.web.builder;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.Api;
import dev.segments.testing.Browser;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The builder journeys in a real browser: build a nested segment with a NOT group and a reference to
 * another segment, watch the estimate follow a value, save it, edit it and see the dry-run diff, and
 * see errors at the node they belong to. The test's users carry attributes no other test uses
 * ({@code bt_*}), so the members are known exactly.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class BuilderBrowserTest {

    private static final long FIRST = 7_300_000;
    private static final int USERS = 60;
    private static final String[] COUNTRIES = {"US", "US", "CA", "DE"};
    private static final String[] TIERS = {"free", "premium", "gold"};
    private static final String[] SOURCES = {"partner", "ads", "organic", "partner", "email"};

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    private static long partners;

    @BeforeEach
    void users() {
        if (partners != 0) {
            return;
        }
        for (int i = 0; i < USERS; i++) {
            Api.putAttributes(FIRST + i, attributes(i)).statusCode(200);
        }
        partners = Api.createSegmentAndWait("bt partners " + System.nanoTime(),
                "{\"attribute\": \"bt_ref\", \"op\": \"eq\", \"value\": \"partner\"}");
    }

    private static String attributes(int i) {
        return "{\"bt_country\": \"" + COUNTRIES[i % 4] + "\", \"bt_ltv\": " + (i * 7 % 250) + ", \"bt_tier\": \""
                + TIERS[i % 3] + "\", \"bt_ref\": \"" + SOURCES[i % 5] + "\"}";
    }

    /** US, lifetime value above {@code ltv}, and not (free tier and a partner referral). */
    private static List<Long> expected(int ltv) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            boolean freePartner = TIERS[i % 3].equals("free") && SOURCES[i % 5].equals("partner");
            if (COUNTRIES[i % 4].equals("US") && i * 7 % 250 > ltv && !freePartner) {
                ids.add(FIRST + i);
            }
        }
        return ids;
    }

    @Test
    void shouldBuildEstimateSaveAndEditANestedSegment() throws Exception {
        browser.open(base, "/segments/new");
        String name = "bt valuable " + System.nanoTime();
        browser.byLabel("Name").sendKeys(name);

        choose("r-0-attr", "bt_country");
        choose("r-0-op", "eq");
        type("r-0-val", "US");
        // autocomplete offers the most frequent values of the attribute
        browser.waitFor(d -> d.findElements(By.cssSelector("#r-0-values option[value='US']")).isEmpty() ? null : true);
        String usOnly = estimateAfter(text -> !text.isEmpty());

        browser.button("+ Condition").click();
        choose("r-1-attr", "bt_ltv");
        choose("r-1-op", "gt");
        type("r-1-val", "100");
        String withLtv = estimateAfter(text -> !text.equals(usOnly));

        browser.button("+ Group").click();
        WebElement not = browser.waitFor(d -> d.findElement(By.id("r-2-not")));
        not.click();
        browser.waitFor(d -> d.findElement(By.id("node-r-2")).getAttribute("class").contains("negated"));
        choose("r-2-0-attr", "bt_tier");
        choose("r-2-0-op", "eq");
        type("r-2-0-val", "free");
        browser.byLabel("Combine conditions of this group");
        // click "Match all" of the inner group; a tree redrawn by an answer still in flight may undo the
        // click, so it is clicked again until the redrawn tree shows it
        browser.waitFor(d -> {
            if (d.findElement(By.id("r-2-and")).isSelected() && d.findElements(By.cssSelector(".htmx-request")).isEmpty()) {
                return true;
            }
            if (!d.findElement(By.id("r-2-and")).isSelected()) {
                d.findElement(By.cssSelector("label[for='r-2-and']")).click();
            }
            return null;
        });
        browser.waitFor(d -> d.findElements(By.cssSelector("#node-r-2 > .row button")).stream()
                .filter(b -> b.getText().contains("Segment")).findFirst().orElse(null)).click();
        choose("r-2-1-seg", String.valueOf(partners));
        estimateAfter(text -> !text.isEmpty());
        browser.waitForText("#count-r-0", ".*\\d.*");

        // the estimate follows a value as it is typed, and the input keeps its text and focus
        String before = estimateAfter(text -> !text.isEmpty());
        WebElement ltv = browser.driver().findElement(By.id("r-1-val"));
        ltv.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "10");
        String after = estimateAfter(text -> !text.equals(before));
        assertNotEquals(before, after);
        assertEquals("10", browser.driver().findElement(By.id("r-1-val")).getAttribute("value"));
        assertEquals("r-1-val", browser.driver().switchTo().activeElement().getAttribute("id"));

        browser.button("Save segment").click();
        browser.waitFor(d -> d.getCurrentUrl().matches(".*/segments/\\d+$"));
        long id = Long.parseLong(browser.driver().getCurrentUrl().replaceAll(".*/segments/", ""));
        JsonNode saved = new ObjectMapper().readTree(given().get("/api/v1/segments/" + id).asString());
        assertEquals(name, saved.get("name").asText());
        assertEquals(new ObjectMapper().readTree("""
                {"operator":"AND","conditions":[
                  {"attribute":"bt_country","op":"eq","value":"US"},
                  {"attribute":"bt_ltv","op":"gt","value":10},
                  {"operator":"NOT","conditions":[{"operator":"AND","conditions":[
                    {"attribute":"bt_tier","op":"eq","value":"free"},{"segment":%d}]}]}]}""".formatted(partners)),
                saved.get("rules"));
        Api.awaitSegmentIdle(id);
        assertEquals(expected(10), Api.members(id));
        // the segment page follows the compute: member count, then the drift chart has the job's point
        String members = String.valueOf(expected(10).size());
        browser.waitForText("#member-count", members);
        browser.waitFor(d -> d.findElements(By.cssSelector("#drift-table tbody tr")).isEmpty() ? null : true);

        // edit: the dry-run diff tells what saving would change
        browser.open(base, "/segments/" + id + "/edit");
        assertEquals(name, browser.byLabel("Name").getAttribute("value"));
        WebElement edited = browser.waitFor(d -> d.findElement(By.id("r-1-val")));
        edited.clear();
        edited.sendKeys("100");
        int leaving = expected(10).size() - expected(100).size();
        browser.waitForText("#dry-run", "(?s).*\\+0 join / −" + leaving + " leave.*");
        browser.button("Save changes").click();
        browser.waitFor(d -> d.getCurrentUrl().endsWith("/segments/" + id));
        Api.awaitSegmentIdle(id);
        assertEquals(expected(100), Api.members(id));
    }

    @Test
    void shouldShowErrorsAtTheNodeAndRefuseACycle() {
        long wrapper = Api.createSegmentAndWait("bt wrapper " + System.nanoTime(),
                "{\"operator\": \"AND\", \"conditions\": [{\"segment\": " + partners + "}]}");
        browser.open(base, "/segments/new");
        logHtmx();
        choose("r-0-attr", "bt_ltv");
        choose("r-0-op", "in");
        WebElement value = browser.waitFor(d -> d.findElement(By.id("r-0-val")));
        value.sendKeys("1, 2");
        browser.waitFor(d -> !d.findElement(By.id("estimate")).getText().contains("Fix"));
        value.clear();
        value.sendKeys(" ");
        String error = browser.waitForText("#err-r-0", ".+");
        assertThat(error.toLowerCase(), containsString("value"));

        // saving the partners segment with a reference to a segment that references it is a cycle
        browser.open(base, "/segments/" + partners + "/edit");
        browser.button("+ Segment").click();
        choose("r-1-seg", String.valueOf(wrapper));
        // marked while editing (the estimate's dry run checks references as saving does) ...
        assertThat(browser.waitForText("#err-r-1", ".+").toLowerCase(), containsString("cycle"));
        browser.button("Save changes").click();
        // ... and saving refuses it; no estimate that answers after the save clears the mark
        browser.waitFor(d -> d.findElement(By.id("save")).isEnabled() ? true : null);
        String cycle = browser.waitForText("#err-r-1", ".+");
        assertThat(cycle.toLowerCase(), containsString("cycle"));
        assertTrue(browser.driver().getCurrentUrl().endsWith("/edit"));
    }

    @Test
    void shouldLoadPastedJsonIntoTheTree() {
        browser.open(base, "/segments/new");
        browser.driver().findElement(By.xpath("//summary[normalize-space(.)='Load a rule from JSON']")).click();
        browser.byLabel("Paste a rule (the \"rules\" value of the API)").sendKeys("""
                {"operator": "OR", "conditions": [{"attribute": "bt_tier", "op": "in", "value": ["gold", "premium"]},
                 {"operator": "NOT", "conditions": [{"attribute": "bt_country", "op": "eq", "value": "US"}]}]}""");
        browser.button("Load JSON").click();
        browser.waitFor(d -> d.findElement(By.id("r-or")).isSelected());
        assertEquals("gold, premium", browser.driver().findElement(By.id("r-0-val")).getAttribute("value"));
        assertTrue(browser.driver().findElement(By.id("r-1-not")).isSelected());
        browser.driver().findElement(By.xpath("//summary[normalize-space(.)='Rule as JSON']")).click();
        assertThat(browser.waitForText("#rule-json", "(?s).*premium.*"), matchesPattern("(?s).*\"NOT\".*"));
    }

    private static void logHtmx() {
        browser.driver().executeScript("htmx.logger = function(elt, event, data) { if (!/^htmx:(before|after)?(on)?(load|process|swap|settle)/i.test(event)) console.log(event, elt && elt.id, data && data.xhr ? data.xhr.status : ''); };");
    }

    private static void choose(String id, String value) {
        browser.waitFor(d -> {
            try {
                WebElement select = d.findElement(By.id(id));
                new Select(select).selectByValue(value);
                return true;
            } catch (RuntimeException e) {
                return null;
            }
        });
        // the tree is drawn again after an attribute or operator change: wait for the new select
        browser.waitFor(d -> {
            try {
                return value.equals(new Select(d.findElement(By.id(id))).getFirstSelectedOption().getAttribute("value"))
                        && d.findElements(By.cssSelector(".htmx-request")).isEmpty() ? true : null;
            } catch (RuntimeException e) {
                return null;
            }
        });
    }

    private static void type(String id, String text) {
        browser.waitFor(d -> {
            try {
                WebElement input = d.findElement(By.id(id));
                input.clear();
                input.sendKeys(text);
                return text.equals(d.findElement(By.id(id)).getAttribute("value")) ? true : null;
            } catch (RuntimeException e) {
                return null;
            }
        });
    }

    private static String estimateAfter(Predicate<String> accepted) {
        return browser.waitFor(d -> {
            var found = d.findElements(By.id("estimate-value"));
            if (found.isEmpty() || !d.findElements(By.cssSelector(".htmx-request")).isEmpty()) {
                return null;
            }
            String text = found.get(0).getText().trim();
            return accepted.test(text) ? text : null;
        });
    }

    @Test
    void shouldAnswerAFriendlyNotFoundPageForAMissingSegment() {
        given().get("/segments/987654321/edit").then().statusCode(404).contentType("text/html")
                .body(containsString("does not exist"));
        given().get("/segments/abc/edit").then().statusCode(404).contentType("text/html");
    }
}
