package dev.segments.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.TestAuth;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens, accounts, sessions and logins through the API and the login form. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@TestAuth.NoDefaultAuth
class AuthApiTest {

    @Inject
    Pool pool;

    private static RequestSpecification admin() {
        return given().header("Authorization", TestAuth.header()).contentType("application/json");
    }

    private static String unique(String name) {
        return name + "-" + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void shouldShowATokenOnceStoreOnlyItsHashAndRefuseItOnceRevoked() {
        var created = admin().body(Map.of("name", unique("crm sync"), "role", "editor")).post("/api/v1/tokens")
                .then().statusCode(201).header("Location", containsString("/api/v1/tokens/"))
                .body("token", startsWith("seg_")).body("role", equalTo("editor")).extract().jsonPath();
        String token = created.getString("token");
        long id = created.getLong("id");
        assertTrue(token.length() >= 40, token);

        admin().get("/api/v1/tokens/" + id).then().statusCode(200).body("token", nullValue()).body("revoked_at", nullValue());
        admin().get("/api/v1/tokens?limit=1000").then().statusCode(200).body("tokens.token", not(hasItem(token)));
        String stored = pool.preparedQuery("SELECT encode(token_hash, 'hex') FROM auth_token WHERE id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
        assertEquals(HexFormat.of().formatHex(Secrets.sha256(token)), stored);

        given().header("Authorization", "Bearer " + token).get("/api/v1/segments").then().statusCode(200);
        admin().delete("/api/v1/tokens/" + id).then().statusCode(200).body("revoked_at", notNullValue());
        given().header("Authorization", "Bearer " + token).get("/api/v1/segments").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token")).contentType("application/problem+json");
        admin().get("/api/v1/tokens/" + id).then().body("token", nullValue()).body("revoked_at", notNullValue());
    }

    @Test
    void shouldRejectBadTokenAndAccountRequestsWithPointers() {
        admin().body(Map.of("name", "x", "role", "root")).post("/api/v1/tokens").then().statusCode(400)
                .body("errors.pointer", hasItem("/role"));
        admin().body(Map.of("role", "viewer")).post("/api/v1/tokens").then().statusCode(400).body("errors.pointer", hasItem("/name"));
        admin().body(Map.of("username", "has space", "password", "short", "role", "viewer")).post("/api/v1/accounts")
                .then().statusCode(400).body("errors.pointer", hasItem("/username")).body("errors.pointer", hasItem("/password"));
        admin().body(Map.of("username", TestAuth.ADMIN_USERNAME, "password", "long enough password", "role", "viewer"))
                .post("/api/v1/accounts").then().statusCode(409);
        admin().get("/api/v1/accounts/987654321").then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/api/v1/segments").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void shouldLogInWithAnAccountAndEndItsSessionsWhenItIsDisabled() {
        String username = unique("ana");
        String password = "correct horse battery";
        long id = admin().body(Map.of("username", username, "password", password, "role", "viewer")).post("/api/v1/accounts")
                .then().statusCode(201).body("has_password", equalTo(true)).body("password_hash", nullValue())
                .extract().jsonPath().getLong("id");
        String session = Sessions.logIn(username, password);
        given().cookie(SessionCookie.NAME, session).get("/api/v1/segments").then().statusCode(200);
        given().cookie(SessionCookie.NAME, session).redirects().follow(false).get("/segments").then().statusCode(200)
                .body(containsString(username)).body(not(containsString("href=\"/segments/new\"")))
                .body(not(containsString("href=\"/admin\"")));
        given().header("Authorization", TestAuth.header()).get("/segments").then().statusCode(200)
                .body(containsString("href=\"/segments/new\"")).body(containsString("href=\"/admin\""));

        admin().body(Map.of("disabled", true)).patch("/api/v1/accounts/" + id).then().statusCode(200).body("disabled", equalTo(true));
        given().cookie(SessionCookie.NAME, session).redirects().follow(false).get("/segments").then().statusCode(302)
                .header("Location", equalTo("/login?next=%2Fsegments"));
        given().cookie(SessionCookie.NAME, session).get("/api/v1/segments").then().statusCode(401);
    }

    @Test
    void shouldRefuseAWrongPasswordAndNeverRedirectElsewhere() {
        String csrf = given().get("/login").then().statusCode(200).extract().cookie(dev.segments.web.Csrf.COOKIE);
        var answer = given().redirects().follow(false).cookie(dev.segments.web.Csrf.COOKIE, csrf)
                .header(dev.segments.web.Csrf.HEADER, csrf).header("HX-Request", "true")
                .formParam("username", TestAuth.ADMIN_USERNAME).formParam("password", "wrong password!!")
                .formParam("next", "//evil.example/").post("/login").then().statusCode(200)
                .body(containsString("Wrong user name or password")).extract();
        assertEquals(null, answer.cookie(SessionCookie.NAME));
        assertEquals(null, answer.header("HX-Redirect"));
        String location = given().redirects().follow(false).cookie(dev.segments.web.Csrf.COOKIE, csrf)
                .header(dev.segments.web.Csrf.HEADER, csrf).header("HX-Request", "true")
                .formParam("username", TestAuth.ADMIN_USERNAME).formParam("password", TestAuth.adminPassword())
                .formParam("next", "//evil.example/").post("/login").then().statusCode(200).extract().header("HX-Redirect");
        assertEquals("/", location);
        // a login without the CSRF token is refused
        given().formParam("username", TestAuth.ADMIN_USERNAME).formParam("password", TestAuth.adminPassword())
                .post("/login").then().statusCode(403);
    }

    @Test
    void shouldMarkTheSessionCookieSecureHttpOnlyAndSameSite() {
        String csrf = given().get("/login").then().extract().cookie(dev.segments.web.Csrf.COOKIE);
        String header = given().cookie(dev.segments.web.Csrf.COOKIE, csrf).header(dev.segments.web.Csrf.HEADER, csrf)
                .header("HX-Request", "true").formParam("username", TestAuth.ADMIN_USERNAME)
                .formParam("password", TestAuth.adminPassword()).post("/login").then().statusCode(200)
                .extract().header("Set-Cookie");
        assertTrue(header.startsWith(SessionCookie.NAME + "="), header);
        assertTrue(header.toLowerCase().contains("httponly"), header);
        assertTrue(header.contains("Secure"), header);
        assertTrue(header.toLowerCase().contains("samesite=lax"), header);
        assertTrue(header.contains("Max-Age="), header);
    }

    @Test
    void shouldSendAnHtmxRequestWithoutSessionToTheLoginPage() {
        given().header("HX-Request", "true").header("HX-Current-URL", "http://localhost/jobs?before=5").get("/jobs/table")
                .then().statusCode(401).header("HX-Redirect", "/login?next=%2Fjobs%3Fbefore%3D5");
        assertFalse(given().get("/login").then().statusCode(200).extract().asString().contains("dev-password"),
                "dev credentials are shown in dev mode only");
    }

    @Test
    void shouldNotLetAnAdminDisableOrDemoteTheirOwnAccount() {
        String username = unique("root");
        String password = "an admin password";
        long id = admin().body(Map.of("username", username, "password", password, "role", "admin")).post("/api/v1/accounts")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        String session = Sessions.logIn(username, password);
        given().cookie(SessionCookie.NAME, session).contentType("application/json").body(Map.of("role", "viewer"))
                .patch("/api/v1/accounts/" + id).then().statusCode(409);
    }
}
