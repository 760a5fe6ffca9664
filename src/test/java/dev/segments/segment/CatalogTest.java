package dev.segments.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.rule.RuleParser;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CatalogSegment segment(long id, String rules) throws Exception {
        return CatalogSegment.of(id, "s" + id, RuleParser.parse(JSON.readTree(rules), "/rules"));
    }

    private static List<Long> ids(List<CatalogSegment> segments) {
        return segments.stream().map(CatalogSegment::id).toList();
    }

    @Test
    void shouldOrderReferencedSegmentsBeforeTheirDependentsWhateverTheirIds() throws Exception {
        Catalog catalog = new Catalog(1, List.of(
                segment(1, "{\"operator\": \"AND\", \"conditions\": [{\"segment\": 3}, {\"segment\": 2}]}"),
                segment(2, "{\"segment\": 3}"),
                segment(3, "{\"attribute\": \"country\", \"op\": \"eq\", \"value\": \"US\"}")));
        assertEquals(List.of(3L, 2L, 1L), ids(catalog.inDependencyOrder()));
    }

    @Test
    void shouldFindSegmentsAffectedByAnAttributeWithTheirDependents() throws Exception {
        Catalog catalog = new Catalog(1, List.of(
                segment(1, "{\"attribute\": \"country\", \"op\": \"eq\", \"value\": \"US\"}"),
                segment(2, "{\"attribute\": \"ltv\", \"op\": \"gt\", \"value\": 100}"),
                segment(3, "{\"operator\": \"NOT\", \"conditions\": [{\"segment\": 1}]}"),
                segment(4, "{\"operator\": \"OR\", \"conditions\": [{\"segment\": 3}, {\"segment\": 2}]}")));
        assertEquals(List.of(1L, 3L, 4L), ids(catalog.affectedBy(Set.of("country"))));
        assertEquals(List.of(2L, 4L), ids(catalog.affectedBy(Set.of("ltv"))));
        assertEquals(List.of(), ids(catalog.affectedBy(Set.of("platform"))));
    }

    @Test
    void shouldCallSegmentsTimeDependentWhenTheyOrTheirReferencesReadNow() throws Exception {
        Catalog catalog = new Catalog(1, List.of(
                segment(1, "{\"attribute\": \"seen\", \"op\": \"more_than_ago\", \"value\": {\"amount\": 1, \"unit\": \"days\"}}"),
                segment(2, "{\"attribute\": \"seen\", \"op\": \"before\", \"value\": \"2025-01-01\"}"),
                segment(3, "{\"operator\": \"NOT\", \"conditions\": [{\"segment\": 1}]}"),
                segment(4, "{\"operator\": \"OR\", \"conditions\": [{\"segment\": 3}, {\"segment\": 2}]}"),
                segment(5, "{\"operator\": \"AND\", \"conditions\": [{\"segment\": 2},"
                        + " {\"attribute\": \"x\", \"op\": \"within_last\", \"value\": {\"amount\": 2, \"unit\": \"hours\"}}]}"),
                segment(6, "{\"segment\": 2}")));
        assertEquals(Set.of(1L, 3L, 4L, 5L), catalog.timeDependent());
        assertEquals(List.of(1L, 3L, 4L, 5L), ids(catalog.inDependencyOrder(catalog.timeDependent())));
    }

    @Test
    void shouldFindACycleThroughAChainOfReferences() {
        var graph = java.util.Map.of(1L, Set.of(2L), 2L, Set.of(3L), 3L, Set.<Long>of());
        assertEquals(true, DependencyGraph.reaches(graph, 1, 3));
        assertEquals(false, DependencyGraph.reaches(graph, 3, 1));
    }
}
