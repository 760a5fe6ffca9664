package dev.segments.api;

import static dev.segments.api.EstimateApiTest.ndjson;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.importUsers;
import static dev.segments.testing.Api.patchAttributes;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attribute catalog, {@code GET /api/v1/attributes} and {@code /{name}/values}. Users
 * 7_300_000..7_309_999, attributes prefixed {@code atc_} (only this class uses them, so their counts are exact).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AttributeCatalogApiTest {

    @Inject
    Pool pool;

    /** The catalog entry of one attribute (null if absent), found on the page that starts just before its name. */
    private static Map<String, Object> entry(String name) {
        JsonPath page = given().queryParam("after", name.substring(0, name.length() - 1))
                .queryParam("limit", 1000).get("/api/v1/attributes").then().statusCode(200).extract().jsonPath();
        return page.<Map<String, Object>>getList("attributes").stream()
                .filter(a -> name.equals(a.get("name"))).findFirst().orElse(null);
    }

    private static long users(String name, String type) {
        Map<String, Object> entry = entry(name);
        if (entry == null) {
            return 0;
        }
        Object count = ((Map<?, ?>) entry.get("types")).get(type);
        return count == null ? 0 : ((Number) count).longValue();
    }

    @Test
    void shouldCountAttributesAndTypesAfterImportsChangesEventsAndDeletions() {
        importUsers(ndjson(7_300_000, 10, i -> "{\"atc_color\": " + (i < 7 ? "\"red\"" : "3") + ", \"atc_tags\": [\"a\"]}"))
                .statusCode(200);
        assertEquals(7, users("atc_color", "string"));
        assertEquals(3, users("atc_color", "number"));
        assertEquals(10, users("atc_tags", "array"));
        assertEquals(10L, ((Number) entry("atc_color").get("users")).longValue());

        patchAttributes(7_300_000, "{\"atc_color\": true}").statusCode(200);
        assertEquals(6, users("atc_color", "string"));
        assertEquals(1, users("atc_color", "boolean"));

        events("[{\"user_id\": 7300001, \"attributes\": {\"atc_color\": null}},"
                + " {\"user_id\": 7300002, \"attributes\": {\"atc_color\": 5}}]").statusCode(200);
        assertEquals(4, users("atc_color", "string"));
        assertEquals(4, users("atc_color", "number"));

        putAttributes(7_300_003, "{\"atc_other\": 1}").statusCode(200); // replaces the whole snapshot
        assertEquals(9, users("atc_tags", "array"));
        given().delete("/api/v1/users/7300004").then().statusCode(204);
        assertEquals(8, users("atc_tags", "array"));
        assertEquals(2, users("atc_color", "string"));

        importUsers(ndjson(7_300_004, 1, i -> "{\"atc_color\": \"red\"}")).statusCode(200); // re-imported
        assertEquals(3, users("atc_color", "string"));
    }

    @Test
    void shouldEqualARecountFromScratchAfterRandomTypeChanges() {
        java.util.Random random = new java.util.Random(20261207);
        String[] values = {"\"s\"", "1", "2.5", "true", "null", "[1]", "{\"k\": 1}"};
        for (int round = 0; round < 20; round++) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 50; i++) {
                long user = 7_302_000 + random.nextInt(40);
                batch.append(i == 0 ? "" : ",").append("{\"user_id\": \"").append(user).append("\", \"attributes\": {")
                        .append("\"atc_r").append(random.nextInt(4)).append("\": ").append(values[random.nextInt(values.length)])
                        .append(", \"atc_r").append(random.nextInt(4)).append("\": ").append(values[random.nextInt(values.length)])
                        .append("}}");
            }
            events(batch.append("]").toString()).statusCode(200);
            if (round % 5 == 4) {
                putAttributes(7_302_000 + random.nextInt(40), "{\"atc_r0\": " + values[random.nextInt(values.length)] + "}")
                        .statusCode(200);
            }
        }
        String kept = "SELECT attribute, json_type, sum(users) AS n FROM attribute_stats WHERE attribute LIKE 'atc_r%'"
                + " GROUP BY 1, 2 HAVING sum(users) <> 0";
        String recount = "SELECT a.key, jsonb_typeof(a.value), count(*) FROM user_attribute_snapshot s,"
                + " jsonb_each(s.attributes) a WHERE a.key LIKE 'atc_r%' GROUP BY 1, 2";
        long differences = pool.query("SELECT count(*) FROM ((" + kept + ") EXCEPT (" + recount + ")) d1")
                .execute().await().indefinitely().iterator().next().getLong(0)
                + pool.query("SELECT count(*) FROM ((" + recount + ") EXCEPT (" + kept + ")) d2")
                .execute().await().indefinitely().iterator().next().getLong(0);
        assertEquals(0, differences, "attribute_stats equals a recount from the snapshots");
        assertEquals(true, users("atc_r0", "string") + users("atc_r0", "number") > 0, "the changes reached the catalog");
    }

    @Test
    void shouldKeepThePopulationEqualToTheSnapshotCount() {
        importUsers(ndjson(7_301_000, 25, i -> "{\"atc_pop\": 1}")).statusCode(200);
        given().delete("/api/v1/users/7301000").then().statusCode(204);
        long counted = pool.query("SELECT count(*) FROM user_attribute_snapshot").execute().await().indefinitely()
                .iterator().next().getLong(0);
        given().get("/api/v1/attributes?limit=1").then().statusCode(200).body("population", equalTo((int) counted));
    }

    @Test
    void shouldPageByName() {
        importUsers(ndjson(7_302_000, 1, i -> "{\"atc_p1\": 1, \"atc_p2\": 1, \"atc_p3\": 1}")).statusCode(200);
        JsonPath first = given().get("/api/v1/attributes?after=atc_p0&limit=2").then().statusCode(200)
                .body("attributes.name", contains("atc_p1", "atc_p2"))
                .body("next_after", equalTo("atc_p2")).extract().jsonPath();
        given().get("/api/v1/attributes?limit=2&after=" + first.getString("next_after")).then().statusCode(200)
                .body("attributes[0].name", equalTo("atc_p3"));
        given().get("/api/v1/attributes?limit=0").then().statusCode(400).body("errors.pointer", hasItem("/limit"));
        given().get("/api/v1/attributes?limit=x").then().statusCode(400).body("errors.pointer", hasItem("/limit"));
    }

    @Test
    void shouldSuggestTheMostFrequentValuesByCaseInsensitivePrefix() {
        importUsers(ndjson(7_303_000, 12, i -> "{\"atc_city\": \"" + (i < 6 ? "Berlin" : i < 10 ? "Bern" : "Paris")
                + "\", \"atc_langs\": [\"de\", \"" + (i % 2 == 0 ? "en" : "fr") + "\"]}")).statusCode(200);
        given().get("/api/v1/attributes/atc_city/values").then().statusCode(200)
                .body("attribute", equalTo("atc_city"))
                .body("sample_percent", equalTo(100.0f))
                .body("values.value", contains("Berlin", "Bern", "Paris"))
                .body("values.users", contains(6, 4, 2))
                .body("values[0].type", equalTo("string"));
        given().get("/api/v1/attributes/atc_city/values?prefix=ber&limit=1").then().statusCode(200)
                .body("values.value", contains("Berlin"));
        given().get("/api/v1/attributes/atc_city/values?prefix=x").then().statusCode(200)
                .body("values.size()", equalTo(0));
        given().get("/api/v1/attributes/atc_langs/values").then().statusCode(200)
                .body("values.value", contains("de", "en", "fr"))
                .body("values.users", contains(12, 6, 6));
    }

    @Test
    void shouldAnswer404ForAnAttributeNoOneHasAnd400ForBadParameters() {
        given().get("/api/v1/attributes/atc_never_seen/values").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/attributes/atc_city/values?limit=101").then().statusCode(400)
                .body("errors.pointer", hasItem("/limit"));
        given().get("/api/v1/attributes/atc_city/values?prefix=" + "x".repeat(300)).then().statusCode(400)
                .body("errors.pointer", hasItem("/prefix"));
        given().get("/api/v1/attributes?after=" + "x".repeat(300)).then().statusCode(400)
                .body("errors.pointer", hasItem("/after"));
        given().get("/api/v1/attributes?after=zzzzzzzz").then().statusCode(200).body("next_after", nullValue());
    }
}
