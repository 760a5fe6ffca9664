package dev.segments.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the health check. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PlatformEndpointsTest {

    @Test
    void shouldPublishTheOpenApiDocumentWithTheSegmentPaths() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/segments:"))
                .body(containsString("/api/v1/segments/{id}/jobs:"))
                .body(containsString("/api/v1/events:"));
    }

    @Test
    void shouldAnswerHealthUp() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    }
}
