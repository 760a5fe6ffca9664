package dev.segments.api;

import static dev.segments.testing.Api.awaitJob;
import static dev.segments.testing.Api.createSegment;
import static dev.segments.testing.Api.events;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SegmentLifecycleTest {

    @Test
    void shouldComputeMembersWhenASegmentIsCreatedAndFollowEvents() {
        putAttributes(101, "{\"country\": \"US\", \"lifetime_value\": 150}").statusCode(200);
        putAttributes(102, "{\"country\": \"DE\", \"lifetime_value\": 500}").statusCode(200);
        putAttributes(103, "{\"country\": \"US\", \"lifetime_value\": 50}").statusCode(200);

        var created = given().contentType(ContentType.JSON)
                .body("""
                        {"name": "lifecycle US high value", "rules": {"operator": "AND", "conditions": [
                          {"attribute": "country", "op": "eq", "value": "US"},
                          {"attribute": "lifetime_value", "op": "gt", "value": 100}]}}""")
                .post("/api/v1/segments").then().statusCode(201).extract().jsonPath();
        long id = created.getLong("id");
        assertEquals("completed", awaitJob(created.getLong("job_id")));
        assertEquals(List.of(101L), members(id));

        events("[{\"user_id\": 103, \"attributes\": {\"lifetime_value\": 120}}]")
                .statusCode(200).body("processed", equalTo(1)).body("joined", equalTo(1));
        assertEquals(List.of(101L, 103L), members(id));

        putAttributes(101, "{\"country\": \"FR\"}").statusCode(200).body("segments", not(hasItem((int) id)));
        assertEquals(List.of(103L), members(id));

        long ref = createSegment("lifecycle not US high value",
                "{\"operator\": \"NOT\", \"conditions\": [{\"segment\": " + id + "}]}");
        given().get("/api/v1/segments/" + ref).then().statusCode(200).body("is_composable", equalTo(true));
        given().delete("/api/v1/segments/" + id).then().statusCode(409)
                .contentType("application/problem+json");
    }
}
