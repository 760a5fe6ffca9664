package dev.segments.api;

import static dev.segments.testing.Api.createSegmentAndWait;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.incremental;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static dev.segments.testing.Api.segmentsOf;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.testing.PostgresResource;
import dev.segments.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user endpoints and the NDJSON import. Users 40_000..40_999, attributes prefixed {@code ua_}. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class UserApiTest {

    private static final long FROM = 40_000;
    private static final long TO = 40_999;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldReplaceTheWholeSnapshotOnPut() {
        long gold = createSegmentAndWait("userapi put gold", "{\"attribute\": \"ua_put_tier\", \"op\": \"eq\", \"value\": \"gold\"}");
        putAttributes(40_001, "{\"ua_put_tier\": \"gold\", \"ua_put_age\": 31}").statusCode(200)
                .body("user_id", equalTo("40001"))
                .body("attributes", equalTo(Map.of("ua_put_tier", "gold", "ua_put_age", 31)))
                .body("segments", hasItem((int) gold));

        putAttributes(40_001, "{\"ua_put_city\": \"Lyon\"}").statusCode(200)
                .body("user_id", equalTo("40001"))
                .body("attributes", equalTo(Map.of("ua_put_city", "Lyon")))
                .body("segments", not(hasItem((int) gold)));

        given().get("/api/v1/users/40001").then().statusCode(200)
                .body("attributes", equalTo(Map.of("ua_put_city", "Lyon")));
        assertEquals(List.of(), members(gold, FROM, TO));
    }

    @Test
    void shouldMergeOnPatchAndRemoveKeysSetToNull() {
        long aged = createSegmentAndWait("userapi patch aged", "{\"attribute\": \"ua_patch_age\", \"op\": \"gte\", \"value\": 18}");
        putAttributes(40_011, "{\"ua_patch_name\": \"Ann\", \"ua_patch_age\": 20}").statusCode(200);

        patchAttributes(40_011, "{\"ua_patch_age\": null, \"ua_patch_city\": \"Oslo\"}").statusCode(200)
                .body("user_id", equalTo("40011"))
                .body("attributes", equalTo(Map.of("ua_patch_name", "Ann", "ua_patch_city", "Oslo")))
                .body("segments", not(hasItem((int) aged)));
        assertEquals(List.of(), members(aged, FROM, TO));

        patchAttributes(40_011, "{\"ua_patch_age\": 40}").statusCode(200)
                .body("attributes", equalTo(Map.of("ua_patch_name", "Ann", "ua_patch_city", "Oslo", "ua_patch_age", 40)))
                .body("segments", hasItem((int) aged));
        assertEquals(List.of(40_011L), members(aged, FROM, TO));
    }

    @Test
    void shouldShowAUserWithAttributesAndSegments() {
        long vip = createSegmentAndWait("userapi get vip", "{\"attribute\": \"ua_get_vip\", \"op\": \"eq\", \"value\": true}");
        long other = createSegmentAndWait("userapi get other", "{\"attribute\": \"ua_get_vip\", \"op\": \"eq\", \"value\": false}");
        Instant before = Instant.now().minusSeconds(5);
        putAttributes(40_021, "{\"ua_get_vip\": true, \"ua_get_tags\": [\"a\", \"b\"]}").statusCode(200);

        var user = given().get("/api/v1/users/40021").then().statusCode(200)
                .body("user_id", equalTo("40021"))
                .body("attributes", equalTo(Map.of("ua_get_vip", true, "ua_get_tags", List.of("a", "b"))))
                .body("updated_at", notNullValue())
                .extract().jsonPath();
        assertTrue(Instant.parse(user.getString("updated_at")).isAfter(before));
        List<Map<String, Object>> segments = user.getList("segments");
        var mine = segments.stream().filter(s -> List.of((int) vip, (int) other).contains(s.get("segment_id"))).toList();
        assertEquals(1, mine.size(), segments.toString());
        assertEquals((int) vip, mine.get(0).get("segment_id"));
        assertEquals("userapi get vip", mine.get(0).get("name"));
        assertTrue(Instant.parse((String) mine.get(0).get("added_at")).isAfter(before));
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownUser() {
        given().get("/api/v1/users/40999").then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
        given().delete("/api/v1/users/40999").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void shouldRejectABadUserId() {
        given().urlEncodingEnabled(false).get("/api/v1/users/a%01b").then().statusCode(400).body("errors.pointer", contains("/user_id"));
        given().get("/api/v1/users/" + "x".repeat(256)).then().statusCode(400).body("errors.pointer", contains("/user_id"));
        given().get("/api/v1/users/abc").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{}").put("/api/v1/users/" + "x".repeat(256) + "/attributes")
                .then().statusCode(400).contentType("application/problem+json").body("errors.pointer", contains("/user_id"));
    }

    @Test
    void shouldRejectBadAttributesAndKeepTheSnapshot() {
        putAttributes(40_031, "{\"ua_bad_n\": 1}").statusCode(200);

        putAttributes(40_031, "{\"ua_bad_n\": 1e400}").statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/ua_bad_n"));
        patchAttributes(40_031, "{\"ua_bad_n\": 2, \"ua_bad_big\": -1e400}").statusCode(400)
                .body("errors.pointer", contains("/ua_bad_big"));
        putAttributes(40_031, "[1, 2]").statusCode(400).body("errors.pointer", contains(""));
        patchAttributes(40_031, "{\"\": 1}").statusCode(400).body("errors.pointer", contains("/"));

        given().get("/api/v1/users/40031").then().statusCode(200).body("attributes", equalTo(Map.of("ua_bad_n", 1)));
    }

    @Test
    void shouldDeleteAUserAndCloseEveryMembership() {
        long first = createSegmentAndWait("userapi delete one", "{\"attribute\": \"ua_del\", \"op\": \"eq\", \"value\": 1}");
        long second = createSegmentAndWait("userapi delete two", "{\"attribute\": \"ua_del\", \"op\": \"gte\", \"value\": 0}");
        putAttributes(40_041, "{\"ua_del\": 1}").statusCode(200);
        putAttributes(40_042, "{\"ua_del\": 1}").statusCode(200);
        assertEquals(List.of(first, second), segmentsOf(40_041, List.of(first, second)));

        given().delete("/api/v1/users/40041").then().statusCode(204);

        assertEquals(List.of(40_042L), members(first, FROM, TO));
        assertEquals(List.of(40_042L), members(second, FROM, TO));
        given().get("/api/v1/users/40041").then().statusCode(404);
        given().get("/api/v1/segments/" + first).then().body("member_count", equalTo(members(first).size()));
    }

    @Test
    void shouldImportNdjsonAndComputeMembershipOnTheNextIncrementalPass() {
        long pro = createSegmentAndWait("userapi import pro", "{\"attribute\": \"ua_imp\", \"op\": \"eq\", \"value\": \"pro\"}");
        for (long user = 40_101; user <= 40_103; user++) {
            putAttributes(user, "{\"ua_imp\": \"free\"}").statusCode(200);
        }
        incremental().statusCode(200);

        importUsers("""
                {"user_id": 40101, "attributes": {"ua_imp": "pro", "ua_imp_n": 1}}
                {"user_id": 40102, "attributes": {"ua_imp": "free"}}

                {"user_id": 40103, "attributes": {"ua_imp": "pro"}}
                """).statusCode(200).body("imported", equalTo(3));

        given().get("/api/v1/users/40101").then().statusCode(200)
                .body("attributes", equalTo(Map.of("ua_imp", "pro", "ua_imp_n", 1)));
        assertEquals(List.of(), members(pro, FROM, TO));

        var pass = incremental().statusCode(200)
                .body("users", equalTo(3)).body("added", equalTo(2)).body("removed", equalTo(0))
                .extract().jsonPath();
        assertEquals(List.of(40_101L, 40_103L), members(pro, FROM, TO));
        List<Integer> jobIds = pass.getList("job_ids");
        assertEquals(1, jobIds.size(), jobIds.toString());
        given().get("/api/v1/jobs/" + jobIds.get(0)).then().statusCode(200)
                .body("segment_id", equalTo((int) pro))
                .body("triggered_by", equalTo("manual"))
                .body("status", equalTo("completed"))
                .body("added_count", equalTo(2))
                .body("removed_count", equalTo(0))
                .body("member_count", equalTo(members(pro).size()));
    }

    @Test
    void shouldRejectAnImportWithABadLineAndImportNothing() {
        importUsers("""
                {"user_id": 40201, "attributes": {"ua_imp_bad": 1}}
                {"user_id": "", "attributes": {"ua_imp_bad": 2}}
                """).statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/2/user_id"))
                .body("detail", containsString("line 2"));
        importUsers("""
                {"user_id": 40202, "attributes": {"ua_imp_bad": 1}}
                {"user_id": 40203, "attributes": {"ua_imp_bad": 1}}
                {"user_id": 40204, "attributes": {"ua_imp_bad":
                """).statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/3"))
                .body("detail", containsString("line 3"));
        importUsers("""
                {"user_id": 40205, "attributes": [1]}
                """).statusCode(400).body("errors.pointer", contains("/1/attributes"));

        for (long user = 40_201; user <= 40_205; user++) {
            given().get("/api/v1/users/" + user).then().statusCode(404);
        }
    }

    @Test
    void shouldImportStringIdsAndTakeANumberAsItsDecimalString() throws Exception {
        importUsers("""
                {"user_id": "ua-str-1", "attributes": {"ua_sid": "a"}}
                {"user_id": 40301, "attributes": {"ua_sid": "number"}}
                {"user_id": "40301", "attributes": {"ua_sid": "string", "ua_sid_n": 1}}
                {"user_id": "040301", "attributes": {"ua_sid": "leading zero"}}
                """).statusCode(200).body("imported", equalTo(3));

        // 40301 given as a number and as a string is one user: the later line wins, no user_key row
        given().get("/api/v1/users/40301").then().statusCode(200)
                .body("attributes", equalTo(Map.of("ua_sid", "string", "ua_sid_n", 1)));
        assertEquals(0, Sql.count(dataSource, "SELECT count(*) FROM user_key WHERE external_id = '40301'"));
        // the others are mapped to internal ids from 2^62 up, and imported and flagged like numeric ids
        long str = internalId("ua-str-1");
        long zero = internalId("040301");
        assertTrue(str >= 1L << 62 && zero >= 1L << 62 && str != zero, str + ", " + zero);
        assertEquals("{\"ua_sid\": \"a\"}", text("SELECT attributes::text FROM user_attribute_snapshot WHERE user_id = " + str));
        assertEquals("{\"ua_sid\": \"leading zero\"}",
                text("SELECT attributes::text FROM user_attribute_snapshot WHERE user_id = " + zero));
        assertEquals(3, Sql.count(dataSource, "SELECT count(*) FROM dirty_user d JOIN user_attribute_snapshot s USING (user_id) "
                + "WHERE user_id IN (40301, " + str + ", " + zero + ") AND (d.attributes IS NULL OR d.attributes = s.attributes::text)"));
        assertTrue(text("SELECT attribute_times::text FROM user_attribute_snapshot WHERE user_id = 40301").contains("\"ua_sid_n\""));

        // imported again: the same internal id, the snapshot replaced
        importUsers("""
                {"user_id": "ua-str-1", "attributes": {"ua_sid": "b"}}
                """).statusCode(200).body("imported", equalTo(1));
        assertEquals(str, internalId("ua-str-1"));
        assertEquals("{\"ua_sid\": \"b\"}", text("SELECT attributes::text FROM user_attribute_snapshot WHERE user_id = " + str));
    }

    @Test
    void shouldRejectABadUserIdNamingItsLineAndImportNothing() throws Exception {
        importUsers("""
                {"user_id": "ua-bad-1", "attributes": {"ua_bad_id": 1}}
                {"user_id": 40401, "attributes": {"ua_bad_id": 1}}
                {"user_id": 1.5, "attributes": {"ua_bad_id": 1}}
                """).statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/3/user_id"))
                .body("detail", containsString("line 3"));
        importUsers("{\"user_id\": \"ua-bad-1\", \"attributes\": {}}\n{\"user_id\": \"tab\\there\", \"attributes\": {}}\n")
                .statusCode(400).body("errors.pointer", contains("/2/user_id"));
        importUsers("{\"user_id\": \"" + "x".repeat(256) + "\", \"attributes\": {}}\n")
                .statusCode(400).body("errors.pointer", contains("/1/user_id"));
        importUsers("{\"user_id\": 1e999999999, \"attributes\": {}}\n") // refused without writing out a billion digits
                .statusCode(400).body("errors.pointer", contains("/1/user_id"));
        given().get("/api/v1/users/40401").then().statusCode(404);
        assertEquals(0, Sql.count(dataSource, "SELECT count(*) FROM user_key WHERE external_id = 'ua-bad-1'"));
    }

    private long internalId(String externalId) throws Exception {
        return Sql.count(dataSource, "SELECT id FROM user_key WHERE external_id = '" + externalId + "'");
    }

    private String text(String query) throws Exception {
        try (var conn = dataSource.getConnection(); var sql = conn.createStatement(); var rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
