package dev.segments.web;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.Browser;
import dev.segments.testing.UserKeysSql;
import dev.segments.user.UserIdText;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** User lookup: attributes, current segments, history; unknown ids. Users 931_100..931_199, attributes {@code ulbt_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class UserLookupBrowserTest {

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldFindAStringIdWithUrlCharactersAndLinkBackToIt() throws Exception {
        String id = "ulbt a/b?c#d%25e \"q\" <i>ünï</i> 日本";
        String name = "ulbt string " + System.nanoTime();
        UserKeysSql.putUser(dataSource, id, "{\"ulbt_str\": true}");
        long segment = createSegmentAndWait(name, "{\"attribute\": \"ulbt_str\", \"op\": \"eq\", \"value\": true}");

        var driver = browser.open(base, "/users");
        browser.byLabel("User id").sendKeys(id);
        browser.button("Look up").click();
        browser.waitFor(d -> ("User " + id).equals(d.findElement(By.tagName("h1")).getText()) ? true : null);
        assertTrue(driver.getCurrentUrl().contains("/users/ulbt%20a%2Fb%3Fc%23d%2525e%20%22q%22"), driver.getCurrentUrl());
        driver.findElement(By.cssSelector("#current-segments a[href='/segments/" + segment + "']"));
        assertEquals(0, driver.findElements(By.cssSelector("h1 i")).size(), "the id is text, not HTML");

        // the segment page lists the member under its id, linked back to the user's page
        browser.open(base, "/segments/" + segment);
        browser.waitFor(d -> d.findElements(By.cssSelector("#members-table a")).size() == 1 ? true : null);
        driver.findElement(By.cssSelector("#members-table a")).click();
        browser.waitFor(d -> ("User " + id).equals(d.findElement(By.tagName("h1")).getText()) ? true : null);

        given().queryParam("user", id).get("/segments/" + segment + "/member").then().statusCode(200)
                .body(containsString("href=\"/users/" + UserIdText.url(id) + "\"")).body(containsString("is a member since"));
        given().queryParam("user", "ulbt never seen").get("/segments/" + segment + "/member").then().statusCode(200)
                .body(containsString("No user has the id “ulbt never seen”"));

        // "..", which no URL path can carry, is answered by the lookup itself and linked to it
        UserKeysSql.putUser(dataSource, "..", "{\"ulbt_str\": true}");
        given().get("/users?id=..").then().statusCode(200).body(containsString("<h1>User ..</h1>"));
        given().queryParam("user", "..").get("/segments/" + segment + "/member").then().statusCode(200)
                .body(containsString("href=\"/users?id=..\""));
    }

    @Test
    void shouldShowAttributesSegmentsAndHistory() {
        String name = "ulbt vip " + System.nanoTime();
        long segment = createSegmentAndWait(name, "{\"attribute\": \"ulbt_tier\", \"op\": \"eq\", \"value\": \"vip\"}");
        String left = "ulbt left " + System.nanoTime();
        createSegmentAndWait(left, "{\"attribute\": \"ulbt_n\", \"op\": \"gt\", \"value\": 5}");
        putAttributes(931_100, "{\"ulbt_tier\": \"vip\", \"ulbt_n\": 9, \"ulbt_note\": \"<b>hi</b>\"}").statusCode(200);
        patchAttributes(931_100, "{\"ulbt_n\": 1}").statusCode(200);

        var driver = browser.open(base, "/users");
        browser.byLabel("User id").sendKeys("931100");
        browser.button("Look up").click();
        browser.waitFor(d -> d.getCurrentUrl().endsWith("/users/931100") ? true : null);

        String attributes = driver.findElement(By.id("attributes")).getText();
        assertTrue(attributes.contains("ulbt_tier \"vip\""), attributes);
        assertTrue(attributes.contains("ulbt_note \"<b>hi</b>\""), attributes);
        assertEquals(0, driver.findElements(By.cssSelector("#attributes b")).size());
        driver.findElement(By.cssSelector("#current-segments a[href='/segments/" + segment + "']"));
        assertEquals(0, driver.findElements(By.xpath("//table[@id='current-segments']//a[normalize-space(.)='" + left + "']")).size());

        String history = driver.findElement(By.id("history")).getText();
        assertTrue(history.matches("(?s).*left " + left + " event.*joined " + left + " event.*"), history);
        assertTrue(history.contains("joined " + name), history);
    }

    @Test
    void shouldAnswerAnUnknownOrBadIdWithTheLookupPageAnd404() {
        given().get("/users/931199").then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("No user with id “931199”"));
        given().get("/users/abc<x>").then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("No user with id “abc&lt;x&gt;”"));
        given().redirects().follow(false).get("/users?id=42").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.endsWith("/users/42"));
        given().get("/users?id=a/b").then().statusCode(404).body(containsString("No user with id “a/b”"));
        given().redirects().follow(false).get("/users?id=a/b c").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.endsWith("/users/a%2Fb%20c"));
        var driver = browser.open(base, "/users/nope");
        assertTrue(driver.findElement(By.cssSelector(".message")).getText().contains("No user with id “nope”"));
        browser.byLabel("User id");
    }
}
