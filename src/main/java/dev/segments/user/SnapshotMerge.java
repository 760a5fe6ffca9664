package dev.segments.user;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Applies an attribute change to a working copy of a snapshot, attribute by attribute: a value older
 * than the one already applied for that attribute is ignored, so events may arrive in any order. On
 * equal times the winner does not depend on arrival order: the larger JSON text wins (a removal is
 * the smallest), so every replay of the same events ends in the same snapshot.
 */
final class SnapshotMerge {

    private SnapshotMerge() {
    }

    /** Applies the change in place; answers the names of the attributes whose value changed. */
    static Set<String> apply(Snapshot snapshot, AttributeChange change) {
        Set<String> keys = new LinkedHashSet<>();
        change.attributes().fieldNames().forEachRemaining(keys::add);
        if (change.replace()) {
            snapshot.attributes().fieldNames().forEachRemaining(keys::add);
        }
        Set<String> changed = new LinkedHashSet<>();
        for (String key : keys) {
            JsonNode incoming = change.attributes().get(key);
            JsonNode value = incoming == null || incoming.isNull() ? null : incoming;
            if (wins(snapshot, key, value, change.occurredAtMicros())) {
                JsonNode before = snapshot.attributes().get(key);
                if (value == null) {
                    snapshot.attributes().remove(key);
                } else {
                    snapshot.attributes().set(key, value);
                }
                snapshot.times().put(key, change.occurredAtMicros());
                if (before == null ? value != null : !before.equals(value)) {
                    changed.add(key);
                }
            }
        }
        return changed;
    }

    private static boolean wins(Snapshot snapshot, String key, JsonNode value, long time) {
        JsonNode appliedAt = snapshot.times().get(key);
        if (appliedAt == null || time > appliedAt.asLong()) {
            return true;
        }
        if (time < appliedAt.asLong()) {
            return false;
        }
        return text(value).compareTo(text(snapshot.attributes().get(key))) > 0;
    }

    private static String text(JsonNode value) {
        return value == null ? "" : value.toString();
    }
}
