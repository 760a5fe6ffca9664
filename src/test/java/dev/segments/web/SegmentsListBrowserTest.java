package dev.segments.web;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.putAttributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.Browser;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** The segments list: counts, status, filter, paging, escaping. Users 930_100..930_199, attributes {@code slbt_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SegmentsListBrowserTest {

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldShowASegmentWithItsMemberCountAndStatusAndNarrowTheListByFilter() {
        for (long user = 930_100; user < 930_103; user++) {
            putAttributes(user, "{\"slbt_plan\": \"gold\"}").statusCode(200);
        }
        String unique = "Gold_100%_" + System.nanoTime();
        long id = createSegmentAndWait(unique, "{\"attribute\": \"slbt_plan\", \"op\": \"eq\", \"value\": \"gold\"}");
        createSegmentAndWait("other slbt " + System.nanoTime(), "{\"attribute\": \"slbt_plan\", \"op\": \"eq\", \"value\": \"x\"}");

        var driver = browser.open(base, "/segments");
        browser.byLabel("Filter by name").sendKeys("OLD_100%_");
        browser.waitFor(d -> d.findElements(By.cssSelector("#segment-results tbody tr")).size() == 1 ? true : null);
        var row = driver.findElement(By.cssSelector("tr[data-segment-id='" + id + "']"));
        assertEquals(unique, row.findElement(By.cssSelector("a[href='/segments/" + id + "']")).getText());
        assertEquals("3", row.findElement(By.cssSelector("td.num")).getText());
        assertEquals("completed", row.findElement(By.cssSelector(".badge")).getText());
        assertTrue(row.findElement(By.cssSelector("svg.spark title")).getAttribute("textContent").contains("3"));

        browser.byLabel("Filter by name").sendKeys("no such thing");
        browser.waitForText("#segment-results tbody", ".*No segment name contains.*");
    }

    @Test
    void shouldRenderAHostileNameAsText() {
        String name = "<img src=x onerror=alert(1)> " + System.nanoTime();
        long id = createSegmentAndWait(name, "{\"attribute\": \"slbt_plan\", \"op\": \"eq\", \"value\": \"y\"}");
        var driver = browser.open(base, "/segments?q=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
        var link = driver.findElement(By.cssSelector("a[href='/segments/" + id + "']"));
        assertEquals(name, link.getText());
        assertEquals(0, driver.findElements(By.cssSelector("table img")).size());
        assertEquals(name, browser.byLabel("Filter by name").getAttribute("value"));
    }

    @Test
    void shouldPageThroughTwentyFivePerPage() {
        String prefix = "slbt page " + System.nanoTime() + " ";
        for (int i = 0; i < 27; i++) {
            dev.segments.testing.Api.createSegment(String.format("%s%02d", prefix, i),
                    "{\"attribute\": \"slbt_plan\", \"op\": \"eq\", \"value\": \"z\"}");
        }
        var driver = browser.open(base, "/segments?q=" + java.net.URLEncoder.encode(prefix, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(25, driver.findElements(By.cssSelector("#segment-results tbody tr")).size());
        browser.button("Next →").click();
        browser.waitFor(d -> d.findElements(By.cssSelector("#segment-results tbody tr")).size() == 2 ? true : null);
        assertTrue(driver.findElement(By.cssSelector("#segment-results tbody")).getText().contains(prefix.trim() + " 26"));
        browser.button("← Previous").click();
        browser.waitFor(d -> d.findElements(By.cssSelector("#segment-results tbody tr")).size() == 25 ? true : null);
        assertTrue(driver.findElement(By.cssSelector("#segment-results tbody")).getText().contains(prefix.trim() + " 00"));
    }
}
