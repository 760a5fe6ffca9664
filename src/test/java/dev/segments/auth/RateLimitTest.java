package dev.segments.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.TestAuth;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-caller rate limit, with a small bucket: 5 at once, then 1 per second; 429 problem details with Retry-After. */
@QuarkusTest
@TestProfile(RateLimitTest.Limited.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@TestAuth.NoDefaultAuth
class RateLimitTest {

    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("segments.limits.requests-per-second", "1", "segments.limits.burst", "5");
        }
    }

    @Test
    void shouldAnswer429WithRetryAfterOnceATokenUsedItsBurstWhileOtherTokensGoOn() {
        String token = given().header("Authorization", TestAuth.header()).contentType("application/json")
                .body(Map.of("name", "rate limited", "role", "viewer")).post("/api/v1/tokens")
                .then().statusCode(201).extract().path("token");
        int ok = 0;
        var refused = given().header("Authorization", "Bearer " + token).get("/api/v1/segments");
        while (refused.statusCode() == 200 && ok < 50) {
            ok++;
            refused = given().header("Authorization", "Bearer " + token).get("/api/v1/segments");
        }
        assertTrue(ok >= 4 && ok <= 6, "burst of 5 (one may refill meanwhile), got " + ok);
        assertEquals(429, refused.statusCode());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals(429, refused.jsonPath().getInt("status"));
        assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
        // another caller has its own bucket
        given().header("Authorization", TestAuth.header()).get("/api/v1/segments").then().statusCode(200);
    }
}
