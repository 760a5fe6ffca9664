package dev.segments.user;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The changes a batch of snapshot writes makes to the attribute catalog's counts (V4 {@code attribute_stats}:
 * how many snapshots hold each attribute with each JSON type), counted by the writer from each user's
 * document before and after, so that the catalog trigger need not read both documents again (V21). Only an
 * attribute added, removed or given a value of another JSON type moves a count, so an event batch usually
 * has none. Types are named as {@code jsonb_typeof} names them, the name the trigger counts under.
 */
public final class CatalogDeltas {

    /** attribute, then JSON type: the deltas, zeros included until {@link #rows} drops them. */
    private final Map<String, Map<String, Long>> deltas = new TreeMap<>();

    /**
     * Counts one user's write: {@code keys} are the attributes whose value may differ between the two
     * documents (every other attribute keeps its value, hence its type).
     */
    void count(JsonNode before, JsonNode after, Iterable<String> keys) {
        for (String key : keys) {
            String was = jsonType(before.get(key));
            String is = jsonType(after.get(key));
            if (!Objects.equals(was, is)) {
                if (was != null) {
                    add(key, was, -1);
                }
                if (is != null) {
                    add(key, is, 1);
                }
            }
        }
    }

    private void add(String attribute, String type, long n) {
        deltas.computeIfAbsent(attribute, a -> new TreeMap<>()).merge(type, n, Long::sum);
    }

    /** The non-zero deltas as three parallel arrays: attributes, JSON types, counts. */
    Rows rows() {
        int n = 0;
        for (Map<String, Long> types : deltas.values()) {
            n += (int) types.values().stream().filter(count -> count != 0).count();
        }
        Rows rows = new Rows(new String[n], new String[n], new Long[n]);
        int i = 0;
        for (Map.Entry<String, Map<String, Long>> attribute : deltas.entrySet()) {
            for (Map.Entry<String, Long> type : attribute.getValue().entrySet()) {
                if (type.getValue() != 0) {
                    rows.attributes[i] = attribute.getKey();
                    rows.types[i] = type.getKey();
                    rows.counts[i++] = type.getValue();
                }
            }
        }
        return rows;
    }

    /**
     * What {@code jsonb_typeof} answers for this value once stored (null: the attribute is absent). Nodes
     * that no parser makes and no JSON text can hold are refused rather than counted under a guess.
     */
    static String jsonType(JsonNode value) {
        if (value == null) {
            return null;
        }
        return switch (value.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING, BINARY -> "string"; // binary is written as a base64 string
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            case MISSING, POJO -> throw new IllegalArgumentException("not a JSON value: " + value.getNodeType());
        };
    }

    /** Parallel arrays, the parameters of one insert. */
    record Rows(String[] attributes, String[] types, Long[] counts) {

        boolean isEmpty() {
            return attributes.length == 0;
        }
    }
}
