package dev.segments.export;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.segments.testing.Api;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Destinations: validation, secrets shown once, paging, unknown ids. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DestinationApiTest {

    static String root() {
        return java.nio.file.Path.of(ConfigProvider.getConfig().getValue("segments.exports.root", String.class))
                .toAbsolutePath().normalize().toString();
    }

    @Test
    void shouldShowAWebhookSecretOnlyInTheAnswerThatCreatedIt() {
        var created = given().contentType(ContentType.JSON)
                .body("{\"name\": \"destapi secret\", \"type\": \"webhook\", \"url\": \"https://example.org/hook\"}")
                .post("/api/v1/destinations").then().statusCode(201)
                .body("secret", startsWith("whsec_"))
                .body("batch_size", equalTo(1000))
                .extract().jsonPath();
        String secret = created.getString("secret");
        long id = created.getLong("id");
        String hint = "whsec_…" + secret.substring(secret.length() - 4);

        String one = given().get("/api/v1/destinations/" + id).then().statusCode(200)
                .body("secret_hint", equalTo(hint)).body("url", equalTo("https://example.org/hook"))
                .extract().asString();
        String list = given().queryParam("limit", 1000).get("/api/v1/destinations").then().statusCode(200)
                .body("destinations.id", hasItem((int) id)).extract().asString();
        assertFalse(one.contains(secret.substring(6)), one);
        assertFalse(list.contains(secret.substring(6)), "a listed destination shows its secret");
        assertFalse(one.contains("\"secret\""), one);
    }

    @Test
    void shouldCreateADirectoryDestinationUnderTheRootAndPageThem() {
        long first = createDirectory("destapi dir one", root() + "/destapi/one");
        long second = createDirectory("destapi dir two", root() + "/destapi/two");
        given().get("/api/v1/destinations/" + first).then().statusCode(200)
                .body("type", equalTo("directory")).body("path", equalTo(root() + "/destapi/one"))
                .body("secret_hint", nullValue()).body("batch_size", nullValue());
        var page = given().queryParam("limit", 1).queryParam("after", first - 1).get("/api/v1/destinations")
                .then().statusCode(200).body("destinations.id", equalTo(java.util.List.of((int) first)))
                .extract().jsonPath();
        given().queryParam("limit", 1).queryParam("after", page.getLong("next_after")).get("/api/v1/destinations")
                .then().statusCode(200).body("destinations[0].id", equalTo((int) second));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\": \"webhook\", \"url\": \"https://example.org\"}|/name",
            "{\"name\": \"destapi bad type\", \"type\": \"s3\"}|/type",
            "{\"name\": \"destapi ftp\", \"type\": \"webhook\", \"url\": \"ftp://example.org/x\"}|/url",
            "{\"name\": \"destapi no host\", \"type\": \"webhook\", \"url\": \"https:///x\"}|/url",
            "{\"name\": \"destapi not url\", \"type\": \"webhook\", \"url\": \"http://exa mple.org\"}|/url",
            "{\"name\": \"destapi batch\", \"type\": \"webhook\", \"url\": \"https://e.org\", \"batch_size\": 0}|/batch_size",
            "{\"name\": \"destapi attempts\", \"type\": \"webhook\", \"url\": \"https://e.org\", \"max_attempts\": \"3\"}|/max_attempts",
            "{\"name\": \"destapi timeout\", \"type\": \"webhook\", \"url\": \"https://e.org\", \"timeout_ms\": 5}|/timeout_ms",
            "{\"name\": \"destapi relative\", \"type\": \"directory\", \"path\": \"exports/x\"}|/path",
            "{\"name\": \"destapi outside\", \"type\": \"directory\", \"path\": \"/etc/segments\"}|/path",
            "{\"name\": \"destapi traversal\", \"type\": \"directory\", \"path\": \"ROOT/../../etc\"}|/path",
            "{\"name\": \"destapi dot\", \"type\": \"directory\", \"path\": \"ROOT/./x\"}|/path",
            "{\"name\": \"destapi dir url\", \"type\": \"directory\", \"path\": \"ROOT/x\", \"url\": \"https://e.org\"}|/url",
            "{\"name\": \"destapi unknown\", \"type\": \"directory\", \"path\": \"ROOT/x\", \"colour\": 1}|/colour",
    })
    void shouldRejectBadDestinationsNamingTheField(String body, String pointer) {
        String name = body.replaceAll(".*\"name\": \"([^\"]*)\".*", "$1");
        given().contentType(ContentType.JSON).body(body.replace("ROOT", root())).post("/api/v1/destinations")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", hasItem(pointer));
        given().queryParam("limit", 1000).get("/api/v1/destinations").then().statusCode(200)
                .body("destinations.name", not(hasItem(name)));
    }

    @Test
    void shouldRefuseADuplicateName() {
        createDirectory("destapi duplicate", root() + "/destapi/dup");
        given().contentType(ContentType.JSON)
                .body("{\"name\": \"destapi duplicate\", \"type\": \"directory\", \"path\": \"" + root() + "/destapi/dup2\"}")
                .post("/api/v1/destinations").then().statusCode(409).body("errors[0].pointer", equalTo("/name"));
    }

    @Test
    void shouldAnswer404ForUnknownIds() {
        given().get("/api/v1/destinations/999999999").then().statusCode(404);
        given().delete("/api/v1/destinations/999999999").then().statusCode(404);
        given().get("/api/v1/exports/999999999").then().statusCode(404);
        given().post("/api/v1/exports/999999999/retry").then().statusCode(404);
        given().get("/api/v1/exports/999999999/file").then().statusCode(404);
        given().get("/api/v1/segments/999999999/exports").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"destination_id\": 1}")
                .post("/api/v1/segments/999999999/exports").then().statusCode(404);
        long segment = Api.createSegment("destapi 404 segment", "{\"attribute\": \"destapi_x\", \"op\": \"eq\", \"value\": 1}");
        given().contentType(ContentType.JSON).body("{}")
                .put("/api/v1/segments/" + segment + "/subscriptions/999999999").then().statusCode(404);
        given().delete("/api/v1/segments/" + segment + "/subscriptions/999999999").then().statusCode(404);
        given().get("/api/v1/destinations/abc").then().statusCode(400).body("errors[0].pointer", equalTo("/id"));
    }

    @Test
    void shouldDeleteADestination() {
        long id = createDirectory("destapi delete me", root() + "/destapi/gone");
        given().delete("/api/v1/destinations/" + id).then().statusCode(204);
        given().get("/api/v1/destinations/" + id).then().statusCode(404);
    }

    static long createDirectory(String name, String path) {
        return given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"type\": \"directory\", \"path\": \"" + path + "\"}")
                .post("/api/v1/destinations").then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
