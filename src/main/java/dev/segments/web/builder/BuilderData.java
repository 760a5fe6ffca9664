package dev.segments.web.builder;

import dev.segments.attribute.AttributeCatalog;
import dev.segments.attribute.AttributeStats;
import dev.segments.attribute.AttributeValue;
import dev.segments.segment.SegmentStore;
import dev.segments.segment.SegmentView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Reads what the builder offers: the attribute catalog, the segments, and values for autocomplete. */
@ApplicationScoped
public class BuilderData {

    private static final int ATTRIBUTES = 500;
    private static final int SEGMENTS = 1000;
    private static final int SUGGESTIONS = 12;
    private static final int CACHE_ENTRIES = 2_000;
    private static final Duration VALUES_TTL = Duration.ofSeconds(60);
    private static final Duration PROBE_TTL = Duration.ofMinutes(5);

    /** Per instance and short-lived on purpose: autocomplete values and date probes may lag by a minute. */
    private final Map<String, Cached> suggestions = new ConcurrentHashMap<>();
    private final Map<String, Cached> probes = new ConcurrentHashMap<>();

    private final AttributeCatalog catalog;
    private final SegmentStore segments;
    private final Pool pool;

    public BuilderData(AttributeCatalog catalog, SegmentStore segments, Pool pool) {
        this.catalog = catalog;
        this.segments = segments;
        this.pool = pool;
    }

    /** The catalog's attributes and the segments other than {@code selfId}. */
    Uni<BuilderChoices> choices(long selfId, BuilderTree tree) {
        Uni<Map<String, String>> attributes = catalog.page("", ATTRIBUTES).map(page -> {
            Map<String, String> types = new LinkedHashMap<>();
            page.attributes().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                    .forEach(stats -> types.put(stats.name(), dominantType(stats)));
            return types;
        });
        Uni<Map<Long, String>> others = pool.withConnection(conn -> segments.page(conn, 0, SEGMENTS)).map(list -> {
            Map<Long, String> names = new LinkedHashMap<>();
            list.stream().filter(s -> s.id() != selfId).sorted((a, b) -> a.name().compareToIgnoreCase(b.name()))
                    .forEach(s -> names.put(s.id(), s.name()));
            return names;
        });
        return Uni.combine().all().unis(attributes, others).asTuple()
                .map(both -> new BuilderChoices(both.getItem1(), both.getItem2()));
    }

    /**
     * Marks the string attributes the tree uses whose values read as dates, so that they are offered
     * the time operators. Looks at a few values of each (cached for a while: types rarely change).
     */
    Uni<BuilderChoices> withTypes(BuilderChoices choices, BuilderTree tree) {
        Set<String> used = new TreeSet<>();
        tree.walk().forEach(entry -> {
            UiNode node = entry.getValue();
            if (node.kind == UiNode.Kind.CONDITION && "string".equals(choices.attributes().get(node.attribute))) {
                used.add(node.attribute);
            }
        });
        if (used.isEmpty()) {
            return Uni.createFrom().item(choices);
        }
        List<Uni<Map.Entry<String, String>>> lookups = new ArrayList<>();
        for (String name : used) {
            lookups.add(cached(probes, name, PROBE_TTL, () -> pool.preparedQuery(
                    "SELECT s.attributes ->> $1 FROM user_attribute_snapshot s WHERE s.attributes ? $1 LIMIT 5")
                    .execute(Tuple.of(name)).map(rows -> {
                        List<String> values = new ArrayList<>();
                        rows.forEach(row -> values.add(row.getString(0)));
                        return values;
                    })).map(values -> Map.entry(name, BuilderChoices.typeOf("string", values))));
        }
        return Uni.join().all(lookups).andFailFast().map(found -> {
            Map<String, String> types = new LinkedHashMap<>(choices.attributes());
            found.forEach(entry -> types.put(entry.getKey(), entry.getValue()));
            return new BuilderChoices(types, choices.segments());
        });
    }

    /** The most frequent values of an attribute, for autocomplete (cached briefly; empty if unknown). */
    Uni<List<String>> values(String name) {
        return cached(suggestions, name, VALUES_TTL, () -> catalog.values(name, "", SUGGESTIONS)
                .map(values -> values.values().stream().map(BuilderData::text).toList())
                .onFailure().recoverWithItem(List.of()));
    }

    private static Uni<List<String>> cached(Map<String, Cached> cache, String key, Duration ttl,
            java.util.function.Supplier<Uni<List<String>>> load) {
        Cached hit = cache.get(key);
        if (hit != null && hit.at().plus(ttl).isAfter(Instant.now())) {
            return Uni.createFrom().item(hit.values());
        }
        return load.get().invoke(values -> {
            if (cache.size() > CACHE_ENTRIES) {
                cache.clear();
            }
            cache.put(key, new Cached(values, Instant.now()));
        });
    }

    private record Cached(List<String> values, Instant at) {
    }

    private static String text(AttributeValue value) {
        return value.value().isTextual() ? value.value().textValue() : value.value().toString();
    }

    /** The JSON type most users hold the attribute with; arrays win over their element types. */
    static String dominantType(AttributeStats stats) {
        return stats.types().entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("string");
    }
}
