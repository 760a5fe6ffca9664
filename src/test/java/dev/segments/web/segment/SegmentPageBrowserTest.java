package dev.segments.web.segment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.Api;
import dev.segments.testing.Browser;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The segment page in a real browser. Users 8_300_000..8_300_999, attributes {@code segp_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SegmentPageBrowserTest {

    private static final AtomicLong NEXT_USER = new AtomicLong(8_300_000);

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    /** Creates {@code count} users in a fresh group and a segment of exactly them; answers the segment id. */
    private static long segmentOf(String name, int count, String group) {
        for (int i = 0; i < count; i++) {
            Api.putAttributes(NEXT_USER.getAndIncrement(),
                    "{\"segp_group\": \"" + group + "\", \"segp_ltv\": " + (150 + i) + "}").statusCode(200);
        }
        return Api.createSegmentAndWait(name, """
                {"operator": "AND", "conditions": [{"attribute": "segp_group", "op": "eq", "value": "%s"},
                  {"attribute": "segp_ltv", "op": "gt", "value": 100}]}""".formatted(group));
    }

    /** Waits for an element's text to match; parts re-rendered by htmx meanwhile are looked up again. */
    private static String text(String css, String regex) {
        return browser.waitFor(d -> {
            try {
                return d.findElements(By.cssSelector(css)).stream().map(WebElement::getText)
                        .filter(t -> t.matches("(?s)" + regex)).findFirst().orElse(null);
            } catch (StaleElementReferenceException e) {
                return null;
            }
        });
    }

    /** Waits until the element no longer polls (the last answer was 286 and re-rendered it without a trigger). */
    private static void pollingStopped(String id) {
        browser.waitFor(d -> {
            try {
                return d.findElements(By.cssSelector("#" + id + "[hx-trigger]")).isEmpty() ? Boolean.TRUE : null;
            } catch (StaleElementReferenceException e) {
                return null;
            }
        });
    }

    private static long firstMember(long segmentId) {
        return given().get("/api/v1/segments/" + segmentId + "/members?limit=1").then().statusCode(200)
                .extract().jsonPath().getLong("members[0].user_id");
    }

    @Test
    void shouldShowCountSentenceChartAndPageMembers() {
        long id = segmentOf("segp Big spenders", 30, "big");
        Api.awaitJob(given().post("/api/v1/segments/" + id + "/compute").then().statusCode(202)
                .extract().jsonPath().getLong("job_id"));
        var driver = browser.open(base, "/segments/" + id);

        assertEquals("30", text("#member-count", "30"));
        assertThat(driver.findElement(By.id("rule-sentence")).getText(),
                containsString("segp_group is \"big\" and segp_ltv is greater than 100"));
        assertThat(driver.findElements(By.cssSelector("#chart svg circle")).size(), greaterThanOrEqualTo(2));
        assertThat(driver.findElements(By.cssSelector("#chart svg polyline")).size(), equalTo(1));
        driver.findElement(By.cssSelector("#chart details summary")).click();
        assertThat(driver.findElements(By.cssSelector("#drift-table tbody tr")).size(), greaterThanOrEqualTo(2));
        assertThat(driver.findElement(By.cssSelector("#drift-table tbody tr")).getText(), containsString("30"));

        browser.byLabel("Show 7 days").click();
        browser.waitFor(d -> !d.findElements(By.cssSelector("[aria-label='Show 7 days'][aria-pressed='true']")).isEmpty());

        assertEquals(25, driver.findElements(By.cssSelector("#members-table tbody tr")).size());
        browser.button("Next").click();
        browser.waitFor(d -> d.findElements(By.cssSelector("#members-table tbody tr")).size() == 5);
        browser.button("Previous").click();
        browser.waitFor(d -> d.findElements(By.cssSelector("#members-table tbody tr")).size() == 25);

        long member = firstMember(id);
        browser.byLabel("Jump to user").sendKeys(String.valueOf(member));
        browser.button("Check").click();
        text("#jump-result", ".*" + member + " is a member since .*");
        WebElement jump = browser.byLabel("Jump to user");
        jump.clear();
        jump.sendKeys("8399999");
        browser.button("Check").click();
        text("#jump-result", ".*8399999 is not a member.*");
    }

    @Test
    void shouldSaveAlertThresholdsAndShowErrorsNextToTheField() {
        long id = segmentOf("segp Alerted", 2, "alerted");
        browser.open(base, "/segments/" + id);
        WebElement relative = browser.byLabel("Relative change (%)");
        relative.clear();
        relative.sendKeys("25");
        WebElement stale = browser.byLabel("Stale after (hours)");
        stale.clear();
        stale.sendKeys("12");
        browser.button("Save thresholds").click();
        text("#alerts .saved", "Saved");
        given().get("/api/v1/segments/" + id + "/alert-settings").then().statusCode(200)
                .body("relative_change", equalTo(0.25f)).body("stale_after_hours", equalTo(12));

        relative = browser.byLabel("Relative change (%)");
        relative.clear();
        relative.sendKeys("lots");
        browser.button("Save thresholds").click();
        text("#alert-relative-error", ".*percentage.*");
        assertEquals("lots", browser.byLabel("Relative change (%)").getAttribute("value"));
        given().get("/api/v1/segments/" + id + "/alert-settings").then().body("relative_change", equalTo(0.25f));
    }

    @Test
    void shouldListAnOpenAlertAndAcknowledgeIt() {
        long id = segmentOf("segp Zeroed", 1, "zeroed");
        Api.patchAttributes(firstMember(id), "{\"segp_group\": \"gone\"}").statusCode(200);
        Api.awaitJob(given().post("/api/v1/segments/" + id + "/compute").then().statusCode(202)
                .extract().jsonPath().getLong("job_id"));
        browser.open(base, "/segments/" + id);
        text("#alerts ul.alerts li", ".*zero.*");
        browser.button("Acknowledge").click();
        text("#alerts ul.alerts li", "No open alert\\.");
        given().get("/api/v1/alerts?status=open&segment_id=" + id).then().statusCode(200)
                .body("alerts.size()", equalTo(0));
    }

    @Test
    void shouldExportToADirectoryAndOfferTheFile() {
        long id = segmentOf("segp Exported", 3, "exported");
        String root = Path.of(ConfigProvider.getConfig().getValue("segments.exports.root", String.class))
                .toAbsolutePath().normalize().toString();
        long destination = given().contentType(ContentType.JSON)
                .body("{\"name\": \"segp files\", \"type\": \"directory\", \"path\": \"" + root + "/segp/files\"}")
                .post("/api/v1/destinations").then().statusCode(201).extract().jsonPath().getLong("id");
        browser.open(base, "/segments/" + id);
        new Select(browser.byLabel("Destination")).selectByValue(String.valueOf(destination));
        new Select(browser.byLabel("Format")).selectByValue("ndjson");
        browser.button("Export now").click();
        text("#exports-table tbody tr", ".*completed.*");
        WebElement link = browser.waitFor(d -> d.findElements(By.cssSelector("#exports-table a")).stream()
                .filter(a -> a.getText().startsWith("Download")).findFirst().orElse(null));
        String href = link.getAttribute("href");
        pollingStopped("export-history");
        given().get(href.replaceFirst("^https?://[^/]+", "")).then().statusCode(200);
    }

    @Test
    void shouldRecomputeAndShowTheNewJob() {
        long id = segmentOf("segp Recomputed", 2, "recomputed");
        var driver = browser.open(base, "/segments/" + id);
        long before = driver.findElements(By.cssSelector("#jobs-table tbody tr[data-job]")).size();
        long newest = Long.parseLong(driver.findElement(By.cssSelector("#jobs-table tbody tr[data-job]")).getAttribute("data-job"));
        browser.button("Recompute now").click();
        browser.waitFor(d -> d.findElements(By.cssSelector("#jobs-table tbody tr[data-job]")).size() == before + 1);
        String first = driver.findElement(By.cssSelector("#jobs-table tbody tr[data-job]")).getAttribute("data-job");
        assertThat(Long.parseLong(first), greaterThan(newest));
        text("#jobs-table tbody tr[data-job='" + first + "']", ".*completed.*");
        text("#compute-status", ".*completed.*");
        pollingStopped("jobs");
    }

    @Test
    void shouldShowMarkupInANameAsText() {
        String name = "<img src=x onerror=alert(1)> segp";
        long id = segmentOf(name, 1, "markup");
        var driver = browser.open(base, "/segments/" + id);
        assertEquals(name, text("h1#segment-name", ".*img.*"));
        assertTrue(driver.findElements(By.cssSelector("main img")).isEmpty());
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
    }

    @Test
    void shouldListWhereUsedAndRefuseToDeleteAReferencedSegment() {
        long used = segmentOf("segp Base", 1, "base");
        long user = Api.createSegmentAndWait("segp Derived", "{\"operator\": \"AND\", \"conditions\": [{\"segment\": " + used + "}]}");
        var driver = browser.open(base, "/segments/" + user);
        WebElement ref = browser.waitFor(d -> d.findElement(By.cssSelector("#rule-sentence a")));
        assertEquals("segp Base", ref.getText());
        assertThat(driver.findElement(By.id("rule-sentence")).getText(), containsString("member of segp Base"));

        browser.open(base, "/segments/" + used);
        assertEquals("segp Derived", text("#used-by a", "segp Derived"));
        browser.button("Delete").click();
        browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
        text("#delete-message", ".*referenced by.*");

        browser.open(base, "/segments/" + user);
        browser.button("Delete").click();
        browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
        browser.waitFor(ExpectedConditions.urlMatches(".*/segments$"));
        given().get("/api/v1/segments/" + user).then().statusCode(404);
    }

    @Test
    void shouldAnswerAFriendlyNotFoundPage() {
        given().get("/segments/999999").then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("Not found"));
        given().get("/segments/abc").then().statusCode(404).contentType(containsString("text/html"));
        browser.open(base, "/segments/999999");
        text("main h1", "Not found");
    }
}
