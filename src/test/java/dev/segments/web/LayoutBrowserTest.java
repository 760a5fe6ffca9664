package dev.segments.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import dev.segments.testing.Browser;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class LayoutBrowserTest {

    @RegisterExtension
    static Browser browser = new Browser();

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldOpenTheSegmentsListFromTheRoot() {
        var driver = browser.open(base, "/");
        assertThat(driver.getCurrentUrl(), endsWith("/segments"));
        assertThat(driver.getTitle(), containsString("Segments"));
        browser.button("New segment");
    }

    @Test
    void shouldRefuseAPageMutationWithoutTheCsrfTokenAndAcceptItWithTheToken() {
        String form = "n=r&r.k=g&r.logic=AND";
        given().contentType("application/x-www-form-urlencoded").body(form)
                .post("/segments/builder/tree").then().statusCode(403).contentType("application/problem+json");
        given().contentType("application/x-www-form-urlencoded").body(form).cookie(Csrf.COOKIE, "a-token-from-another-site")
                .header(Csrf.HEADER, "another-token-entirely-000").post("/segments/builder/tree").then().statusCode(403);
        String token = given().get("/segments/new").then().statusCode(200).extract().cookie(Csrf.COOKIE);
        given().contentType("application/x-www-form-urlencoded").body(form).cookie(Csrf.COOKIE, token)
                .header(Csrf.HEADER, token).post("/segments/builder/tree").then().statusCode(200);
    }

    @Test
    void shouldMarkTheCsrfCookieHttpOnlyAndSameSiteStrict() {
        String header = given().get("/segments/new").then().statusCode(200).extract().header("Set-Cookie");
        assertThat(header, containsString("HttpOnly"));
        assertThat(header.toLowerCase(), containsString("samesite=strict"));
    }
}
