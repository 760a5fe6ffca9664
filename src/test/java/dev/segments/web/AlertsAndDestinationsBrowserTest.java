package dev.segments.web;

import static dev.segments.testing.Api.awaitJob;
import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Alerts (acknowledge in place) and destinations (create, secret once, field errors, delete). Users 933_100..933_199, attributes {@code adbt_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AlertsAndDestinationsBrowserTest {

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldAcknowledgeAnOpenAlert() {
        putAttributes(933_101, "{\"adbt_z\": 1}").statusCode(200);
        putAttributes(933_102, "{\"adbt_z\": 1}").statusCode(200);
        String name = "adbt zero " + System.nanoTime();
        long segment = createSegmentAndWait(name, "{\"attribute\": \"adbt_z\", \"op\": \"eq\", \"value\": 1}");
        patchAttributes(933_101, "{\"adbt_z\": 0}").statusCode(200);
        patchAttributes(933_102, "{\"adbt_z\": 0}").statusCode(200);
        awaitJob(given().post("/api/v1/segments/" + segment + "/compute").then().statusCode(202).extract().jsonPath().getLong("job_id"));
        int alert = given().get("/api/v1/alerts?status=open&segment_id=" + segment).then().statusCode(200)
                .extract().jsonPath().getInt("alerts[0].id");

        var driver = browser.open(base, "/alerts");
        var row = driver.findElement(By.cssSelector("tr[data-alert-id='" + alert + "']"));
        assertTrue(row.getText().contains(name), row.getText());
        assertTrue(row.getText().contains("zero"), row.getText());
        browser.byLabel("Acknowledge alert " + alert + " of " + name).click();
        browser.waitFor(d -> d.findElements(By.cssSelector("tr[data-alert-id='" + alert + "'] button")).isEmpty() ? true : null);
        assertTrue(driver.findElement(By.cssSelector("tr[data-alert-id='" + alert + "']")).getText().contains("acknowledged"));
        assertEquals("acknowledged", given().get("/api/v1/alerts?segment_id=" + segment).then().extract().path("alerts[0].status"));

        browser.open(base, "/alerts");
        assertEquals(0, driver.findElements(By.cssSelector("tr[data-alert-id='" + alert + "']")).size());
        browser.button("Acknowledged").click();
        browser.waitFor(d -> d.findElements(By.cssSelector("tr[data-alert-id='" + alert + "']")).isEmpty() ? null : true);
    }

    @Test
    void shouldShowAWebhookSecretOnceAndAFieldErrorForABadUrl() {
        var driver = browser.open(base, "/destinations");
        String name = "adbt hook " + System.nanoTime();
        browser.byLabel("Webhook name").sendKeys(name);
        browser.byLabel("Webhook URL").sendKeys("ftp:/nowhere");
        browser.button("Create webhook destination").click();
        String error = browser.waitForText("#hook-url-error", ".*url must be an absolute http or https URL.*");
        assertFalse(error.isEmpty());
        assertEquals(name, browser.byLabel("Webhook name").getAttribute("value"));
        assertEquals(0, driver.findElements(By.id("webhook-secret")).size());

        browser.byLabel("Webhook URL").clear();
        browser.byLabel("Webhook URL").sendKeys("https://example.com/hook");
        browser.button("Create webhook destination").click();
        String secret = browser.waitForText("#webhook-secret", "whsec_.+");
        assertTrue(driver.findElement(By.cssSelector(".secret-box")).getText().contains("copy it now, it will not be shown again"));
        assertTrue(driver.findElement(By.id("destinations")).getText().contains(name));

        browser.open(base, "/destinations");
        assertEquals(0, driver.findElements(By.id("webhook-secret")).size());
        assertFalse(driver.getPageSource().contains(secret));
        assertTrue(driver.findElement(By.id("destinations")).getText().contains(name));
    }

    @Test
    void shouldDeleteADestination() {
        String name = "adbt dir " + System.nanoTime();
        String path = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("segments.exports.root", String.class)).toAbsolutePath().normalize().resolve("adbt").toString();
        var driver = browser.open(base, "/destinations");
        browser.byLabel("Directory name").sendKeys(name);
        browser.byLabel("Directory path").sendKeys("relative/path");
        browser.button("Create directory destination").click();
        browser.waitForText("#dir-path-error", ".*path must be absolute.*");
        browser.byLabel("Directory path").clear();
        browser.byLabel("Directory path").sendKeys(path);
        browser.button("Create directory destination").click();
        browser.waitFor(d -> d.findElements(By.xpath("//table[@id='destinations']//td[normalize-space(.)='" + name + "']"))
                .isEmpty() ? null : true);

        browser.byLabel("Delete " + name).click();
        driver.switchTo().alert().accept();
        browser.waitFor(d -> d.findElements(By.xpath("//table[@id='destinations']//td[normalize-space(.)='" + name + "']"))
                .isEmpty() ? true : null);
        browser.open(base, "/destinations");
        assertFalse(driver.findElement(By.id("destinations")).getText().contains(name));
    }
}
