package dev.segments.web;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.importUsers;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.Browser;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The jobs page: the incremental pass and a full recompute started from it. Users 932_100..932_199, attributes {@code jbbt_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class JobsBrowserTest {

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldRunTheIncrementalPassAndShowItsResult() {
        createSegmentAndWait("jbbt inc " + System.nanoTime(), "{\"attribute\": \"jbbt_on\", \"op\": \"eq\", \"value\": true}");
        importUsers("{\"user_id\": 932100, \"attributes\": {\"jbbt_on\": true}}\n"
                + "{\"user_id\": 932101, \"attributes\": {\"jbbt_on\": true}}\n").statusCode(200);

        browser.open(base, "/jobs");
        browser.button("Run incremental pass now").click();
        browser.waitForText("#run-result", "Incremental pass: checked [1-9][\\d,]* users, \\+[1-9][\\d,]* added, −[\\d,]+ removed\\.");
    }

    @Test
    void shouldShowAFullRecomputeRunningThenCompleted() {
        for (int i = 0; i < 3; i++) {
            createSegmentAndWait("jbbt full " + i + " " + System.nanoTime(), "{\"attribute\": \"jbbt_n\", \"op\": \"gt\", \"value\": " + i + "}");
        }
        var driver = browser.open(base, "/jobs");
        browser.button("Full recompute now").click();
        browser.waitForText("#run-result", "Queued [1-9][\\d,]* full computes?; .*");
        browser.waitFor(d -> d.findElements(By.cssSelector("#jobs .badge.run")).isEmpty() ? null : true);
        new WebDriverWait(driver, Duration.ofSeconds(90)).until(
                d -> d.findElements(By.cssSelector("#jobs .badge.run")).isEmpty() ? true : null);
        assertEquals("completed", driver.findElement(By.cssSelector("#jobs tbody tr .badge")).getText());
        given().get("/jobs/table").then().statusCode(286);
    }
}
