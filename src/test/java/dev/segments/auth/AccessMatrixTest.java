package dev.segments.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.TestAuth;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the live OpenAPI document (JSON API and pages) and the platform routes, called with no credentials and as
 * viewer, editor and admin (by API token and by login session): the answer is 401 (or the login
 * redirect for a page), 403, or, for a caller allowed in, anything but 401/403/5xx. A refusal carries
 * problem details only, never data. An operation missing from {@link #API} fails the test, so a new
 * endpoint cannot go without a decided role. Path ids name nothing that exists and bodies are empty
 * objects: an allowed call gets 2xx or 4xx without changing anything that matters.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@TestAuth.NoDefaultAuth
class AccessMatrixTest {

    private static final String NONE = "public";
    private static final String MISSING_ID = "987654321";
    private static final String CSRF = "matrix-csrf-token-0123456789";

    /**
     * The least role of every operation of the OpenAPI document (the JSON API and the pages), decided here
     * independently of the code.
     */
    static final Map<String, String> API = new LinkedHashMap<>();

    static {
        String v = "viewer", e = "editor", a = "admin";
        api(v, "GET /api/v1/segments", "GET /api/v1/segments/{id}", "GET /api/v1/segments/{id}/members",
                "GET /api/v1/segments/{id}/members.csv", "GET /api/v1/segments/{id}/members.ndjson",
                "GET /api/v1/segments/{id}/changes", "GET /api/v1/segments/{id}/history", "GET /api/v1/segments/{id}/drift",
                "GET /api/v1/segments/{id}/alert-settings", "GET /api/v1/segments/{id}/jobs", "GET /api/v1/jobs/{id}",
                "GET /api/v1/alerts", "GET /api/v1/users/{user_id}", "GET /api/v1/users/{id}/history",
                "GET /api/v1/attributes", "GET /api/v1/attributes/{name}/values", "GET /api/v1/destinations",
                "GET /api/v1/destinations/{id}", "GET /api/v1/segments/{id}/exports", "GET /api/v1/exports/{id}",
                "GET /api/v1/exports/{id}/file", "GET /api/v1/segments/{id}/subscriptions");
        api(e, "POST /api/v1/segments", "PUT /api/v1/segments/{id}", "DELETE /api/v1/segments/{id}",
                "POST /api/v1/segments/estimate", "POST /api/v1/segments/{id}/estimate", "POST /api/v1/segments/{id}/preview",
                "POST /api/v1/segments/{id}/compute", "POST /api/v1/compute/full", "POST /api/v1/compute/incremental",
                "PUT /api/v1/segments/{id}/alert-settings", "POST /api/v1/alerts/{id}/acknowledge",
                "PUT /api/v1/users/{user_id}/attributes", "PATCH /api/v1/users/{user_id}/attributes", "POST /api/v1/events",
                "POST /api/v1/users/import", "POST /api/v1/sources/segment", "POST /api/v1/segments/{id}/exports",
                "POST /api/v1/exports/{id}/retry",
                "PUT /api/v1/segments/{id}/subscriptions/{destination_id}",
                "DELETE /api/v1/segments/{id}/subscriptions/{destination_id}");
        api(a, "DELETE /api/v1/users/{user_id}", "POST /api/v1/destinations", "DELETE /api/v1/destinations/{id}",
                "POST /api/v1/tokens", "GET /api/v1/tokens", "GET /api/v1/tokens/{id}", "DELETE /api/v1/tokens/{id}",
                "POST /api/v1/accounts", "GET /api/v1/accounts", "GET /api/v1/accounts/{id}", "PATCH /api/v1/accounts/{id}");
    }

    static {
        String v = "viewer", e = "editor", a = "admin";
        api(NONE, "GET /login", "POST /login", "POST /logout");
        api(v, "GET /", "GET /segments", "GET /segments/{id}", "GET /segments/{id}/summary", "GET /segments/{id}/chart",
                "GET /segments/{id}/jobs", "GET /segments/{id}/members", "GET /segments/{id}/member",
                "GET /segments/{id}/exports", "GET /segments/builder/values", "GET /users", "GET /users/{id}", "GET /jobs",
                "GET /jobs/table", "GET /alerts", "GET /destinations");
        api(e, "GET /segments/new", "GET /segments/{id}/edit", "POST /segments/builder/tree", "POST /segments/builder/load",
                "POST /segments/builder/estimate", "POST /segments/builder/save", "POST /segments/{id}/compute",
                "DELETE /segments/{id}", "PUT /segments/{id}/alert-settings", "POST /segments/{id}/alerts/{alertId}/acknowledge",
                "POST /segments/{id}/exports", "POST /jobs/incremental", "POST /jobs/full", "POST /alerts/{id}/acknowledge");
        api(a, "POST /destinations", "DELETE /destinations/{id}", "GET /admin", "POST /admin/tokens",
                "POST /admin/tokens/{id}/revoke", "POST /admin/accounts", "POST /admin/accounts/{id}");
    }

    /** Routes outside the OpenAPI document: platform endpoints and static files. */
    static final List<String[]> PLATFORM = List.of(
            new String[] {"GET", "/q/health", NONE}, new String[] {"GET", "/q/openapi", NONE},
            new String[] {"GET", "/q/swagger-ui/", NONE}, new String[] {"GET", "/css/app.css", NONE},
            new String[] {"GET", "/webjars/htmx.org/dist/htmx.min.js", NONE}, new String[] {"GET", "/q/metrics", "viewer"});

    private static void api(String role, String... operations) {
        for (String operation : operations) {
            API.put(operation, role);
        }
    }

    /** One way of calling: a name, the role it has (null: none), and how it sends its credential. */
    record CallerSpec(String name, Role role, boolean session, String credential) {
        RequestSpecification given() {
            RequestSpecification spec = io.restassured.RestAssured.given().redirects().follow(false)
                    .cookie("segments_csrf", CSRF).header("X-CSRF-Token", CSRF);
            if (credential == null) {
                return spec;
            }
            return session ? spec.cookie(SessionCookie.NAME, credential) : spec.header("Authorization", "Bearer " + credential);
        }
    }

    @Test
    void shouldAnswerEveryOperationAndPageWithTheStatusItsRoleAllows() {
        List<CallerSpec> callers = callers();
        List<String> wrong = new ArrayList<>();
        Set<String> documented = operations();
        Set<String> undecided = new TreeSet<>(documented);
        undecided.removeAll(API.keySet());
        Set<String> gone = new TreeSet<>(API.keySet());
        gone.removeAll(documented);
        if (!undecided.isEmpty() || !gone.isEmpty()) {
            fail("operations without a matrix entry: " + undecided + "; matrix entries no longer documented: " + gone);
        }
        int calls = 0;
        List<String> order = new ArrayList<>(documented);
        order.remove("POST /logout");
        order.add("POST /logout"); // it ends the sessions: last
        for (String[] route : PLATFORM) {
            for (CallerSpec caller : callers) {
                check(caller, route[0], route[1], route[2], true, wrong);
                calls++;
            }
        }
        for (String operation : order) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", MISSING_ID);
            for (CallerSpec caller : callers) {
                check(caller, method, path, API.get(operation), !path.startsWith("/api/"), wrong);
                calls++;
            }
        }
        System.out.printf("AccessMatrixTest: %d operations, %d other routes, %d callers, %d calls%n", documented.size(), PLATFORM.size(),
                callers.size(), calls);
        assertTrue(wrong.isEmpty(), wrong.size() + " wrong answers:\n" + String.join("\n", wrong));
    }

    private void check(CallerSpec caller, String method, String path, String needed, boolean page, List<String> wrong) {
        RequestSpecification request = caller.given();
        if (!method.equals("GET") && !method.equals("DELETE")) {
            request = page ? request.contentType("application/x-www-form-urlencoded").body("")
                    : request.contentType("application/json").body("{}");
        }
        Response response = request.request(method, path);
        int status = response.statusCode();
        String call = caller.name() + " " + method + " " + path + " (needs " + needed + ") -> " + status;
        boolean allowed = NONE.equals(needed) || (caller.role() != null && caller.role().includes(Role.parse(needed).orElseThrow()));
        if (allowed) {
            if (status == 401 || status == 403 || status >= 500) {
                wrong.add(call + " " + abbreviate(response.asString()));
            }
            return;
        }
        boolean loginRedirect = page && caller.role() == null && method.equals("GET") && !path.startsWith("/q/");
        if (loginRedirect) {
            String location = response.header("Location");
            if (status != 302 || location == null || !location.startsWith("/login?next=") || !response.asString().isEmpty()) {
                wrong.add(call + " expected a redirect to the login page, Location " + location);
            }
            return;
        }
        int expected = caller.role() == null ? 401 : 403;
        if (status != expected) {
            wrong.add(call + " expected " + expected);
            return;
        }
        if (expected == 401 && !String.valueOf(response.header("WWW-Authenticate")).startsWith("Bearer")) {
            wrong.add(call + " without WWW-Authenticate: Bearer");
        }
        onlyProblem(call, response, wrong);
    }

    /** A refusal is problem details and nothing else: no field that could carry data. */
    private static void onlyProblem(String call, Response response, List<String> wrong) {
        if (!String.valueOf(response.contentType()).startsWith("application/problem+json")) {
            wrong.add(call + " content type " + response.contentType());
            return;
        }
        Map<String, Object> body = response.jsonPath().getMap("");
        if (!Set.of("type", "title", "status", "detail").containsAll(body.keySet())
                || !Integer.valueOf(response.statusCode()).equals(body.get("status"))) {
            wrong.add(call + " body " + abbreviate(response.asString()));
        }
    }

    /** Every operation of the live OpenAPI document as "METHOD /path". */
    private static Set<String> operations() {
        Map<String, Map<String, Object>> paths = given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        Set<String> operations = new TreeSet<>();
        paths.forEach((path, methods) -> methods.keySet().stream()
                .filter(m -> Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(m))
                .forEach(m -> operations.add(m.toUpperCase() + " " + path)));
        return operations;
    }

    /** Anonymous, and a token and a session of each role. */
    private List<CallerSpec> callers() {
        String admin = TestAuth.adminToken();
        List<CallerSpec> callers = new ArrayList<>();
        callers.add(new CallerSpec("anonymous", null, false, null));
        String suffix = Long.toString(System.nanoTime(), 36);
        for (Role role : Role.values()) {
            String token = given().header("Authorization", "Bearer " + admin).contentType("application/json")
                    .body(Map.of("name", "matrix " + role.id() + " " + suffix, "role", role.id()))
                    .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
            callers.add(new CallerSpec(role.id() + " token", role, false, token));
            String username = "matrix-" + role.id() + "-" + suffix;
            String password = "matrix password " + suffix;
            given().header("Authorization", "Bearer " + admin).contentType("application/json")
                    .body(Map.of("username", username, "password", password, "role", role.id()))
                    .post("/api/v1/accounts").then().statusCode(201);
            callers.add(new CallerSpec(role.id() + " session", role, true, Sessions.logIn(username, password)));
        }
        return callers;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    @Test
    void shouldDescribeTheBearerTokenInTheOpenApiDocument() {
        var doc = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        assertEquals("http", doc.getString("components.securitySchemes.token.type"));
        assertEquals("bearer", doc.getString("components.securitySchemes.token.scheme"));
        assertTrue(doc.getList("security.token").size() == 1, "a global security requirement");
    }

    @Test
    void shouldKeepTheMatrixFreeOfDuplicates() {
        assertEquals(API.size(), new TreeSet<>(API.keySet()).size());
    }
}
