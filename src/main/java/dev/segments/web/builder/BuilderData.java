package dev.segments.web.builder;

import dev.segments.attribute.AttributeCatalog;
import dev.segments.attribute.AttributeStats;
import dev.segments.attribute.AttributeValue;
import dev.segments.segment.SegmentStore;
import dev.segments.segment.SegmentView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads what the builder offers: the attribute catalog, the segments, and values for autocomplete. */
@ApplicationScoped
public class BuilderData {

    private static final int ATTRIBUTES = 500;
    private static final int SEGMENTS = 1000;
    private static final int SUGGESTIONS = 12;

    private final AttributeCatalog catalog;
    private final SegmentStore segments;
    private final Pool pool;

    public BuilderData(AttributeCatalog catalog, SegmentStore segments, Pool pool) {
        this.catalog = catalog;
        this.segments = segments;
        this.pool = pool;
    }

    /** The catalog's attributes and the segments other than {@code selfId}; no autocomplete values yet. */
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
                .map(both -> new BuilderChoices(both.getItem1(), Map.of(), both.getItem2()));
    }

    /** Adds the most frequent values of each attribute the tree uses, and marks date-valued ones as dates. */
    Uni<BuilderChoices> withSuggestions(BuilderChoices choices, BuilderTree tree) {
        Set<String> used = new TreeSet<>();
        tree.walk().forEach(entry -> {
            UiNode node = entry.getValue();
            if (node.kind == UiNode.Kind.CONDITION && choices.attributes().containsKey(node.attribute)) {
                used.add(node.attribute);
            }
        });
        if (used.isEmpty()) {
            return Uni.createFrom().item(choices);
        }
        List<Uni<Map.Entry<String, List<String>>>> lookups = new ArrayList<>();
        for (String name : used) {
            lookups.add(catalog.values(name, "", SUGGESTIONS)
                    .map(values -> Map.entry(name, values.values().stream().map(BuilderData::text).toList()))
                    .onFailure().recoverWithItem(Map.entry(name, List.of())));
        }
        return Uni.join().all(lookups).andFailFast().map(found -> {
            Map<String, List<String>> suggestions = new LinkedHashMap<>();
            Map<String, String> types = new LinkedHashMap<>(choices.attributes());
            for (var entry : found) {
                suggestions.put(entry.getKey(), entry.getValue());
                types.put(entry.getKey(), BuilderChoices.typeOf(types.get(entry.getKey()), entry.getValue()));
            }
            return new BuilderChoices(types, suggestions, choices.segments());
        });
    }

    private static String text(AttributeValue value) {
        return value.value().isTextual() ? value.value().textValue() : value.value().toString();
    }

    /** The JSON type most users hold the attribute with; arrays win over their element types. */
    static String dominantType(AttributeStats stats) {
        return stats.types().entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("string");
    }
}
