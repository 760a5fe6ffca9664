package dev.segments.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.TestAuth;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Request bodies over the configured limits are refused with 413 problem details, per route. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class BodyLimitTest {

    @TestHTTPResource("/")
    URL base;

    private static byte[] jsonOf(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[size - 1] = '}';
        return body;
    }

    @Test
    void shouldRefuseAJsonBodyOverTheLimitWithProblemDetails() {
        given().contentType("application/json").body(jsonOf(11 << 20)).post("/api/v1/segments/estimate")
                .then().statusCode(413).contentType(equalTo("application/problem+json"))
                .body("status", equalTo(413)).body("detail", containsString("segments.limits.json-body"))
                .body("errors[0].pointer", equalTo(""));
    }

    @Test
    void shouldAcceptAJsonBodyUnderTheLimit() {
        given().contentType("application/json").body(jsonOf(9 << 20)).post("/api/v1/segments/estimate")
                .then().statusCode(400).contentType(equalTo("application/problem+json"));
    }

    @Test
    void shouldCutOffAChunkedJsonBodyOverTheLimit() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/segments/estimate"))
                .header("content-type", "application/json").header("Authorization", TestAuth.header())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(jsonOf(11 << 20))))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("no answer to a chunked body over the limit", e);
        }
        // the framework's body reader enforces the limit on a chunked body: a bare 413 (no problem details)
        assertEquals(413, response.statusCode(), response.body());
    }

    @Test
    void shouldLetTheImportTakeMoreThanAJsonBodyButNotMoreThanItsOwnLimit() throws Exception {
        byte[] lines = new byte[11 << 20];
        Arrays.fill(lines, (byte) '\n');
        byte[] bad = "{\"user_id\": \"nope\"}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bad, 0, lines, 0, bad.length);
        given().contentType("application/x-ndjson").body(lines).post("/api/v1/users/import")
                .then().statusCode(not(equalTo(413)));

        // a declared length over the import limit is refused before a byte of the body is read
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/users/import HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/x-ndjson\r\n"
                    + "authorization: " + TestAuth.header() + "\r\n"
                    + "content-length: 600000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            StringBuilder read = new StringBuilder();
            byte[] chunk = new byte[8192];
            for (int n; !read.toString().endsWith("}") && (n = in.read(chunk)) > 0;) {
                read.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
            }
            String answer = read.toString();
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
            assertTrue(answer.contains("segments.limits.import-body"), answer);
        }
    }
}
