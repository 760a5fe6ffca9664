package dev.segments.export;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The SSRF guard through the API, with private webhooks not allowed (the test profile otherwise allows them). */
@QuarkusTest
@TestProfile(WebhookGuardApiTest.Strict.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class WebhookGuardApiTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("segments.exports.allow-private-webhooks", "false",
                    "segments.exports.webhook-allowed-hosts", "192.168.77.0/24");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9/hook", "http://localhost/hook", "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook", "http://0.0.0.0/", "http://[fd00::1]/"})
    void shouldRefuseAWebhookIntoTheServersOwnNetwork(String url) {
        String name = "guard " + url;
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "type", "webhook", "url", url))
                .post("/api/v1/destinations").then().statusCode(400)
                .contentType(equalTo("application/problem+json"))
                .body("errors[0].pointer", equalTo("/url"))
                .body("errors[0].message", containsString("internal address"));
        given().queryParam("limit", 1000).get("/api/v1/destinations").then().statusCode(200)
                .body("destinations.name", not(hasItem(name)));
    }

    @Test
    void shouldAcceptAnAllowedRangeAndPublicAddresses() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "guard allowed range", "type", "webhook", "url", "http://192.168.77.5/hook"))
                .post("/api/v1/destinations").then().statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "guard public", "type", "webhook", "url", "https://93.184.216.34/hook"))
                .post("/api/v1/destinations").then().statusCode(201);
    }
}
