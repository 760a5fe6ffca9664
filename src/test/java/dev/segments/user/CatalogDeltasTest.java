package dev.segments.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogDeltasTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void shouldNameTypesAsJsonbTypeofDoes() throws Exception {
        JsonNode values = json("{\"o\": {}, \"a\": [], \"s\": \"x\", \"i\": 1, \"d\": 2.5, \"b\": false, \"n\": null}");
        assertEquals("object", CatalogDeltas.jsonType(values.get("o")));
        assertEquals("array", CatalogDeltas.jsonType(values.get("a")));
        assertEquals("string", CatalogDeltas.jsonType(values.get("s")));
        assertEquals("number", CatalogDeltas.jsonType(values.get("i")));
        assertEquals("number", CatalogDeltas.jsonType(values.get("d")));
        assertEquals("boolean", CatalogDeltas.jsonType(values.get("b")));
        assertEquals("null", CatalogDeltas.jsonType(values.get("n")));
        assertEquals(null, CatalogDeltas.jsonType(values.get("absent")));
    }

    @Test
    void shouldCountOnlyTypeChangesAndDropWhatCancels() throws Exception {
        CatalogDeltas deltas = new CatalogDeltas();
        // a value of the same type, an added, a removed and a retyped attribute
        deltas.count(json("{\"v\": 1, \"gone\": \"x\", \"t\": true}"), json("{\"v\": 2, \"new\": [1], \"t\": \"yes\"}"),
                List.of("v", "gone", "new", "t"));
        // another user's change that cancels the first one's retyping
        deltas.count(json("{\"t\": \"no\"}"), json("{\"t\": false}"), List.of("t"));
        CatalogDeltas.Rows rows = deltas.rows();
        assertArrayEquals(new String[] {"gone", "new"}, rows.attributes());
        assertArrayEquals(new String[] {"string", "array"}, rows.types());
        assertArrayEquals(new Long[] {-1L, 1L}, rows.counts());
    }

    @Test
    void shouldHaveNoRowsWhenNoTypeChanged() throws Exception {
        CatalogDeltas deltas = new CatalogDeltas();
        deltas.count(json("{\"v\": 1}"), json("{\"v\": 2.5}"), List.of("v"));
        assertTrue(deltas.rows().isEmpty());
    }
}
