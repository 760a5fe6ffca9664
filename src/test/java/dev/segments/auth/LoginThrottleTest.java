package dev.segments.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.TestAuth;
import dev.segments.web.Csrf;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Password guessing is stopped per user name (5 failures in a row; the lock is 2 s in the test profile). */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@TestAuth.NoDefaultAuth
class LoginThrottleTest {

    private static final String WRONG = "Wrong user name or password";
    private static final String LOCKED = "Too many failed logins for this user name";

    @Inject
    Pool pool;

    @Test
    void shouldLockANameAfterFiveFailuresWithoutCheckingItsPasswordThenDoubleTheLock() throws Exception {
        String username = "throttled-" + Long.toString(System.nanoTime(), 36);
        String password = "correct horse battery";
        given().header("Authorization", TestAuth.header()).contentType("application/json")
                .body(Map.of("username", username, "password", password, "role", "viewer")).post("/api/v1/accounts")
                .then().statusCode(201);
        String csrf = csrf();
        for (int i = 0; i < 5; i++) {
            assertTrue(attempt(csrf, username, "wrong password " + i, true).asString().contains(WRONG));
        }
        // the right password is not even checked while the name is locked
        ExtractableResponse<Response> locked = attempt(csrf, username, password, true);
        assertTrue(locked.asString().contains(LOCKED), locked.asString());
        assertNull(locked.cookie(SessionCookie.NAME));
        ExtractableResponse<Response> plain = attempt(csrf, username, password, false);
        assertEquals(429, plain.statusCode());
        long retryAfter = Long.parseLong(plain.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        assertEquals(5, failures(username), "refused attempts while locked are not counted");

        Thread.sleep(2_100);
        // one more failure after the lock: checked, then the name is locked twice as long
        assertTrue(attempt(csrf, username, "wrong again", true).asString().contains(WRONG));
        ExtractableResponse<Response> longer = attempt(csrf, username, password, false);
        assertEquals(429, longer.statusCode());
        long doubled = Long.parseLong(longer.header("Retry-After"));
        assertTrue(doubled >= 3 && doubled <= 4, "Retry-After after the 6th failure: " + doubled);

        Thread.sleep(doubled * 1_000 + 100);
        ExtractableResponse<Response> in = attempt(csrf, username, password, true);
        assertNotNull(in.cookie(SessionCookie.NAME), in.asString());
        assertEquals(0, failures(username), "a success forgets the failures");
    }

    @Test
    void shouldLetOnlyFiveOfManyParallelAttemptsThroughAndTreatUnknownNamesAlike() throws Exception {
        String unknown = "nobody-" + Long.toString(System.nanoTime(), 36);
        String csrf = csrf();
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                answers.add(threads.submit(() -> attempt(csrf, unknown, "guess " + n, true).asString()));
            }
            int wrong = 0;
            int locked = 0;
            for (Future<String> answer : answers) {
                String body = answer.get();
                wrong += body.contains(WRONG) ? 1 : 0;
                locked += body.contains(LOCKED) ? 1 : 0;
            }
            assertEquals(5, wrong, "attempts whose password was checked");
            assertEquals(7, locked, "attempts refused by the lock");
        } finally {
            threads.shutdownNow();
        }
    }

    private static String csrf() {
        return given().get("/login").then().statusCode(200).extract().cookie(Csrf.COOKIE);
    }

    private static ExtractableResponse<Response> attempt(String csrf, String username, String password, boolean htmx) {
        var request = given().redirects().follow(false).cookie(Csrf.COOKIE, csrf).header(Csrf.HEADER, csrf)
                .contentType("application/x-www-form-urlencoded");
        if (htmx) {
            request = request.header("HX-Request", "true");
        }
        return request.formParam("username", username).formParam("password", password).formParam("next", "/segments")
                .post("/login").then().extract();
    }

    private long failures(String username) {
        var rows = pool.preparedQuery("SELECT coalesce(max(failures), 0) FROM login_throttle WHERE username = $1")
                .execute(Tuple.of(username)).await().atMost(Duration.ofSeconds(10));
        return rows.iterator().next().getLong(0);
    }
}
