package dev.segments.segment;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reachability over segment references, used to refuse a reference that would close a cycle. */
final class DependencyGraph {

    private DependencyGraph() {
    }

    /** Whether {@code target} can be reached from {@code from} by following references. */
    static boolean reaches(Map<Long, Set<Long>> graph, long from, long target) {
        Deque<Long> todo = new ArrayDeque<>();
        todo.push(from);
        Set<Long> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            long next = todo.pop();
            if (next == target) {
                return true;
            }
            if (seen.add(next)) {
                graph.getOrDefault(next, Set.of()).forEach(todo::push);
            }
        }
        return false;
    }
}
