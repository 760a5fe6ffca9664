package dev.segments.web;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.putAttributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Markup in data (attribute names and values sent by downstream systems, rule values, segment names)
 * is shown as text on every page that shows it: each payload would set {@code window.xss} or open an
 * alert if the browser ran it. Users 932_100.., attributes {@code mkbt_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class MarkupBrowserTest {

    private static final String IMG = "<img src=x onerror=\\\"window.xss=1;alert(1)\\\">";
    private static final String SCRIPT = "<script>window.xss=2</script>";

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldShowMarkupFromDataAsTextOnEveryPage() {
        putAttributes(932_100, "{\"mkbt_note\": \"" + IMG + "\", \"mkbt_" + SCRIPT.replace("/", "\\/") + "\": \"" + SCRIPT
                + "\", \"mkbt_tier\": \"" + IMG + "\"}").statusCode(200);
        String name = "mkbt " + SCRIPT + " " + System.nanoTime();
        long segment = createSegmentAndWait(name.replace("\"", "\\\""),
                "{\"attribute\": \"mkbt_tier\", \"op\": \"eq\", \"value\": \"" + IMG + "\"}");

        ChromeDriver driver = browser.open(base, "/users/932100");
        String attributes = driver.findElement(By.id("attributes")).getText();
        assertTrue(attributes.contains("mkbt_tier \"<img src=x onerror=\\\"window.xss=1;alert(1)\\\">\""), attributes);
        assertTrue(attributes.contains("<script>window.xss=2</script>"), attributes);
        assertEquals(0, driver.findElements(By.cssSelector("#attributes img, #attributes script")).size());
        assertNothingRan(driver);

        browser.open(base, "/segments/" + segment);
        assertTrue(driver.getPageSource().contains("&lt;img src=x"), "the rule's value is escaped");
        assertTrue(driver.findElement(By.tagName("h1")).getText().contains(SCRIPT));
        assertNothingRan(driver);

        browser.open(base, "/segments?q=mkbt");
        assertTrue(driver.findElement(By.tagName("main")).getText().contains(SCRIPT));
        assertNothingRan(driver);

        browser.open(base, "/segments/" + segment + "/edit");
        browser.waitFor(d -> d.findElements(By.cssSelector("input[value*='onerror']")).isEmpty() ? null : true);
        assertNothingRan(driver);
    }

    private static void assertNothingRan(ChromeDriver driver) {
        assertEquals(null, driver.executeScript("return window.xss === undefined ? null : window.xss;"));
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
    }
}
