package dev.segments.compute;

import static dev.segments.testing.Api.awaitSegmentIdle;
import static dev.segments.testing.Api.createSegment;
import static dev.segments.testing.Api.members;
import static dev.segments.testing.Api.putAttributes;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DependencyOrderTest {

    @Test
    void shouldComputeAComposableSegmentAfterTheSegmentsItReferencesWhenAllAreCreatedAtOnce() {
        for (long user = 20_001; user <= 20_040; user++) {
            putAttributes(user, "{\"order_test_tier\": \"" + (user % 2 == 0 ? "gold" : "free")
                    + "\", \"order_test_score\": " + (user % 10) + "}").statusCode(200);
        }
        long gold = createSegment("order test gold", "{\"attribute\": \"order_test_tier\", \"op\": \"eq\", \"value\": \"gold\"}");
        long high = createSegment("order test high", "{\"attribute\": \"order_test_score\", \"op\": \"gte\", \"value\": 5}");
        long both = createSegment("order test gold and high", "{\"operator\": \"AND\", \"conditions\": [{\"segment\": "
                + gold + "}, {\"segment\": " + high + "}]}");
        long goldNotHigh = createSegment("order test gold not high", "{\"operator\": \"AND\", \"conditions\": [{\"segment\": "
                + gold + "}, {\"operator\": \"NOT\", \"conditions\": [{\"segment\": " + high + "}]}]}");
        List.of(gold, high, both, goldNotHigh).forEach(id -> awaitSegmentIdle(id));

        List<Long> expectedBoth = new java.util.ArrayList<>();
        List<Long> expectedGoldNotHigh = new java.util.ArrayList<>();
        for (long user = 20_001; user <= 20_040; user++) {
            if (user % 2 == 0 && user % 10 >= 5) {
                expectedBoth.add(user);
            } else if (user % 2 == 0) {
                expectedGoldNotHigh.add(user);
            }
        }
        assertEquals(expectedBoth, members(both));
        assertEquals(expectedGoldNotHigh, members(goldNotHigh));
    }

    @Test
    void shouldRecomputeDependentsInOrderWhenAReferencedRuleChanges() {
        for (long user = 20_101; user <= 20_120; user++) {
            putAttributes(user, "{\"order_test_level\": " + (user - 20_100) + "}").statusCode(200);
        }
        long base = createSegment("order test level high", "{\"attribute\": \"order_test_level\", \"op\": \"gt\", \"value\": 15}");
        long dependent = createSegment("order test level not high", "{\"operator\": \"AND\", \"conditions\": ["
                + "{\"attribute\": \"order_test_level\", \"op\": \"is_not_null\"},"
                + "{\"operator\": \"NOT\", \"conditions\": [{\"segment\": " + base + "}]}]}");
        awaitSegmentIdle(base);
        awaitSegmentIdle(dependent);
        assertEquals(15, members(dependent).size());

        given().contentType("application/json")
                .body("{\"name\": \"order test level high\", \"rules\": {\"attribute\": \"order_test_level\", \"op\": \"gt\", \"value\": 5}}")
                .put("/api/v1/segments/" + base).then().statusCode(200);
        awaitSegmentIdle(base);
        awaitSegmentIdle(dependent);
        assertEquals(List.of(20_101L, 20_102L, 20_103L, 20_104L, 20_105L), members(dependent));
    }
}
