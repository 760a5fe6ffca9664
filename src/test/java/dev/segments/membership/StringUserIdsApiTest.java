package dev.segments.membership;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.PostgresResource;
import dev.segments.testing.UserKeysSql;
import dev.segments.user.UserIdText;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * String user ids on the way out: member pages and their cursor, CSV and NDJSON streams, the history,
 * the changes feed, and GET/DELETE of a user by its URL-encoded id. Users 9_500_000..9_500_999 and
 * string ids starting {@code sid-}, attributes {@code sid_}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class StringUserIdsApiTest {

    private static final String PLAIN = "sid-alice";
    private static final String QUOTED = "sid-\"bob\", jr";
    private static final String WILD = "sid ünï/日本?#%20&x=1 🎉";

    @Inject
    AgroalDataSource dataSource;

    /** Requests whose paths are already percent-encoded (not encoded again). */
    private static RequestSpecification raw() {
        return given().urlEncodingEnabled(false);
    }

    @Test
    void shouldPageMembersByExternalIdInInternalOrderAndStreamThemQuoted() throws Exception {
        putAttributes(9_500_002, "{\"sid_pages\": true}").statusCode(200);
        for (String id : List.of(PLAIN, QUOTED, WILD)) {
            UserKeysSql.putUser(dataSource, id + "-p", "{\"sid_pages\": true}");
        }
        putAttributes(9_500_001, "{\"sid_pages\": true}").statusCode(200);
        long segment = createSegmentAndWait("sid pages", "{\"attribute\": \"sid_pages\", \"op\": \"eq\", \"value\": true}");
        String path = "/api/v1/segments/" + segment + "/members";

        given().get(path + "?limit=2").then().statusCode(200)
                .body("members.user_id", contains("9500001", "9500002")).body("next_after", equalTo("9500002"))
                .body("members[0]", not(hasKey("key"))); // the internal id stays inside
        given().queryParam("limit", 2).queryParam("after", "9500002").get(path).then().statusCode(200)
                .body("members.user_id", contains(PLAIN + "-p", QUOTED + "-p")).body("next_after", equalTo(QUOTED + "-p"));
        given().queryParam("limit", 2).queryParam("after", QUOTED + "-p").get(path).then().statusCode(200)
                .body("members.user_id", contains(WILD + "-p")).body("next_after", nullValue());
        given().queryParam("after", "sid-never-seen").get(path).then().statusCode(400)
                .contentType("application/problem+json").body("errors.pointer", contains("/after"));

        List<String> addedAt = given().get(path).then().statusCode(200).extract().path("members.added_at");
        String csv = given().get(path + ".csv").then().statusCode(200).extract().asString();
        assertEquals("user_id,added_at\n9500001," + addedAt.get(0) + "\n9500002," + addedAt.get(1) + "\n"
                + PLAIN + "-p," + addedAt.get(2) + "\n\"sid-\"\"bob\"\", jr-p\"," + addedAt.get(3) + "\n"
                + WILD + "-p," + addedAt.get(4) + "\n", csv);

        String ndjson = given().get(path + ".ndjson").then().statusCode(200).extract().asString();
        List<String> ids = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            JsonNode member = new ObjectMapper().readTree(line);
            assertTrue(member.get("user_id").isTextual(), line);
            ids.add(member.get("user_id").asText());
        }
        assertEquals(List.of("9500001", "9500002", PLAIN + "-p", QUOTED + "-p", WILD + "-p"), ids);
    }

    @Test
    void shouldReadAndDeleteAUserByItsUrlEncodedIdAndKeepItsHistory() throws Exception {
        UserKeysSql.putUser(dataSource, WILD, "{\"sid_user\": \"yes\", \"sid_n\": 3}");
        long segment = createSegmentAndWait("sid user", "{\"attribute\": \"sid_user\", \"op\": \"eq\", \"value\": \"yes\"}");
        String encoded = UserIdText.url(WILD);
        assertTrue(encoded.contains("%2F") && encoded.contains("%25") && encoded.contains("%20"), encoded);

        raw().get("/api/v1/users/" + encoded).then().statusCode(200)
                .body("user_id", equalTo(WILD)).body("attributes.sid_n", equalTo(3))
                .body("segments.segment_id", hasItem((int) segment));
        JsonPath history = raw().get("/api/v1/users/" + encoded + "/history").then().statusCode(200)
                .body("user_id", equalTo(WILD)).body("exists", equalTo(true)).extract().jsonPath();
        assertEquals(List.of(WILD), history.getList("history.user_id"));
        assertEquals(List.of("join"), history.getList("history.kind"));

        raw().delete("/api/v1/users/" + encoded).then().statusCode(204);
        raw().get("/api/v1/users/" + encoded).then().statusCode(404);
        raw().get("/api/v1/users/" + encoded + "/history").then().statusCode(200)
                .body("exists", equalTo(false)).body("history.kind", contains("leave", "join"))
                .body("history.user_id", contains(WILD, WILD));
        raw().delete("/api/v1/users/" + encoded).then().statusCode(404);

        JsonPath feed = given().get("/api/v1/segments/" + segment + "/changes").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(WILD, WILD), feed.getList("changes.user_id"));
        assertEquals(List.of("join", "leave"), feed.getList("changes.kind"));
        given().get("/api/v1/segments/" + segment + "/history").then().statusCode(200)
                .body("history.user_id", contains(WILD, WILD));
    }

    @Test
    void shouldAnswerNotFoundForAStringIdNoUserEverHad() {
        raw().get("/api/v1/users/" + UserIdText.url("sid-nobody/ever")).then().statusCode(404)
                .contentType("application/problem+json");
        raw().delete("/api/v1/users/" + UserIdText.url("sid-nobody/ever")).then().statusCode(404);
        raw().get("/api/v1/users/" + UserIdText.url("sid-nobody/ever") + "/history").then().statusCode(404);
        given().get("/api/v1/users/9500999/history").then().statusCode(404);
        given().get("/api/v1/users/" + "x".repeat(256)).then().statusCode(400).body("errors.pointer", contains("/user_id"));
    }

    @Test
    void shouldGiveNumericIdsAsStrings() {
        putAttributes(9_500_100, "{\"sid_num\": 1}").statusCode(200);
        given().get("/api/v1/users/9500100").then().statusCode(200).body("user_id", equalTo("9500100"));
        given().get("/api/v1/users/9500100/history").then().statusCode(200).body("user_id", equalTo("9500100"));
    }
}
