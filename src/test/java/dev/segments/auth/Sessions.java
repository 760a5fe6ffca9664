package dev.segments.auth;

import static io.restassured.RestAssured.given;

import dev.segments.web.Csrf;

/** Logs in through the login form, as a browser does, for tests that need a session cookie. */
final class Sessions {

    private Sessions() {
    }

    /** The session cookie's value after a successful login; fails the test otherwise. */
    static String logIn(String username, String password) {
        String csrf = given().get("/login").then().statusCode(200).extract().cookie(Csrf.COOKIE);
        String session = given().redirects().follow(false).cookie(Csrf.COOKIE, csrf).header(Csrf.HEADER, csrf)
                .header("HX-Request", "true").contentType("application/x-www-form-urlencoded")
                .formParam("username", username).formParam("password", password).formParam("next", "/segments")
                .post("/login").then().statusCode(200).header("HX-Redirect", "/segments")
                .extract().cookie(SessionCookie.NAME);
        if (session == null || session.isEmpty()) {
            throw new AssertionError("no session cookie after logging in as " + username);
        }
        return session;
    }
}
