package dev.segments.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    private static Snapshot empty() {
        return new Snapshot(1, JSON.createObjectNode(), JSON.createObjectNode());
    }

    private static AttributeChange patch(String attributes, long at) throws Exception {
        return new AttributeChange("1", json(attributes), at, false, "e", false);
    }

    @Test
    void shouldIgnoreAnOlderValueOfAnAttributeButApplyItsOtherAttributes() throws Exception {
        Snapshot snapshot = empty();
        SnapshotMerge.apply(snapshot, patch("{\"ltv\": 200}", 20));
        Set<String> changed = SnapshotMerge.apply(snapshot, patch("{\"ltv\": 50, \"country\": \"US\"}", 10));
        assertEquals(json("{\"ltv\": 200, \"country\": \"US\"}"), snapshot.attributes());
        assertEquals(Set.of("country"), changed);
    }

    @Test
    void shouldNotLetAnOlderEventResurrectARemovedAttribute() throws Exception {
        Snapshot snapshot = empty();
        SnapshotMerge.apply(snapshot, patch("{\"plan\": \"pro\"}", 10));
        SnapshotMerge.apply(snapshot, patch("{\"plan\": null}", 30));
        SnapshotMerge.apply(snapshot, patch("{\"plan\": \"free\"}", 20));
        assertEquals(json("{}"), snapshot.attributes());
    }

    @Test
    void shouldPickTheSameWinnerForEqualTimesWhateverTheArrivalOrder() throws Exception {
        Snapshot first = empty();
        SnapshotMerge.apply(first, patch("{\"tier\": \"gold\"}", 10));
        SnapshotMerge.apply(first, patch("{\"tier\": \"silver\"}", 10));
        Snapshot second = empty();
        SnapshotMerge.apply(second, patch("{\"tier\": \"silver\"}", 10));
        SnapshotMerge.apply(second, patch("{\"tier\": \"gold\"}", 10));
        assertEquals(first.attributes(), second.attributes());
    }

    @Test
    void shouldRemoveKeysMissingFromAReplacement() throws Exception {
        Snapshot snapshot = empty();
        SnapshotMerge.apply(snapshot, patch("{\"a\": 1, \"b\": 2}", 10));
        Set<String> changed = SnapshotMerge.apply(snapshot, new AttributeChange("1", json("{\"a\": 1}"), 20, true, "e", false));
        assertEquals(json("{\"a\": 1}"), snapshot.attributes());
        assertEquals(Set.of("b"), changed);
    }

    @Test
    void shouldReportNoChangeWhenTheValueIsTheSame() throws Exception {
        Snapshot snapshot = empty();
        SnapshotMerge.apply(snapshot, patch("{\"a\": [1, 2]}", 10));
        assertEquals(Set.of(), SnapshotMerge.apply(snapshot, patch("{\"a\": [1, 2]}", 20)));
        assertEquals(List.of("a"), List.copyOf(SnapshotMerge.apply(snapshot, patch("{\"a\": [2]}", 30))));
    }
}
