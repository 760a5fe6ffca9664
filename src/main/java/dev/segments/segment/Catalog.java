package dev.segments.segment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable view of every segment's parsed rule at one catalog version: the attribute → segments
 * index, who depends on whom, and the dependency order in which segments must be evaluated
 * (a referenced segment always comes before the segments that reference it).
 */
public final class Catalog {

    private final long version;
    private final Map<Long, CatalogSegment> byId;
    private final List<CatalogSegment> ordered;
    private final Map<String, Set<Long>> byAttribute = new HashMap<>();
    private final Map<Long, Set<Long>> dependents = new HashMap<>();
    private final Set<Long> timeDependent;

    public Catalog(long version, Collection<CatalogSegment> segments) {
        this.version = version;
        Map<Long, CatalogSegment> map = new LinkedHashMap<>();
        segments.stream().sorted(Comparator.comparingLong(CatalogSegment::id)).forEach(s -> map.put(s.id(), s));
        this.byId = Map.copyOf(map);
        for (CatalogSegment segment : map.values()) {
            segment.rule().attributes().forEach(a -> byAttribute.computeIfAbsent(a, k -> new TreeSet<>()).add(segment.id()));
            segment.dependsOn().forEach(d -> dependents.computeIfAbsent(d, k -> new TreeSet<>()).add(segment.id()));
        }
        this.ordered = List.copyOf(topologicalOrder(map));
        this.timeDependent = Set.copyOf(withDependents(
                map.values().stream().filter(s -> s.rule().readsNow()).map(CatalogSegment::id).toList()));
    }

    public static Catalog empty() {
        return new Catalog(0, List.of());
    }

    public long version() {
        return version;
    }

    public CatalogSegment get(long id) {
        return byId.get(id);
    }

    /** Every segment, referenced segments before the segments that reference them. */
    public List<CatalogSegment> inDependencyOrder() {
        return ordered;
    }

    /** The segments, in dependency order, whose result may change when these attributes change. */
    public List<CatalogSegment> affectedBy(Collection<String> attributes) {
        Set<Long> direct = new HashSet<>();
        for (String attribute : attributes) {
            direct.addAll(byAttribute.getOrDefault(attribute, Set.of()));
        }
        return inDependencyOrder(withDependents(direct));
    }

    /** These segments and every segment that depends on them, through any chain of references. */
    public Set<Long> withDependents(Collection<Long> ids) {
        Set<Long> all = new HashSet<>(ids);
        Deque<Long> todo = new ArrayDeque<>(ids);
        while (!todo.isEmpty()) {
            for (Long dependent : dependents.getOrDefault(todo.pop(), Set.of())) {
                if (all.add(dependent)) {
                    todo.push(dependent);
                }
            }
        }
        return all;
    }

    /**
     * The time-dependent segments: those whose rule reads the instant of the evaluation
     * ({@code within_last}, {@code more_than_ago}) and every segment that references one of them
     * through any chain. Their membership can change as time passes without any attribute change.
     */
    public Set<Long> timeDependent() {
        return timeDependent;
    }

    public boolean isTimeDependent(long id) {
        return timeDependent.contains(id);
    }

    public List<CatalogSegment> inDependencyOrder(Set<Long> ids) {
        List<CatalogSegment> result = new ArrayList<>();
        for (CatalogSegment segment : ordered) {
            if (ids.contains(segment.id())) {
                result.add(segment);
            }
        }
        return result;
    }

    private static List<CatalogSegment> topologicalOrder(Map<Long, CatalogSegment> segments) {
        List<CatalogSegment> result = new ArrayList<>();
        Set<Long> done = new HashSet<>();
        for (CatalogSegment segment : segments.values()) {
            visit(segment, segments, done, new HashSet<>(), result);
        }
        return result;
    }

    private static void visit(CatalogSegment segment, Map<Long, CatalogSegment> segments, Set<Long> done,
            Set<Long> path, List<CatalogSegment> result) {
        if (done.contains(segment.id()) || !path.add(segment.id())) {
            return; // cycles are rejected when rules are saved; never loop on a broken database
        }
        for (Long dependency : new TreeSet<>(segment.dependsOn())) {
            CatalogSegment target = segments.get(dependency);
            if (target != null) {
                visit(target, segments, done, path, result);
            }
        }
        done.add(segment.id());
        result.add(segment);
    }
}
