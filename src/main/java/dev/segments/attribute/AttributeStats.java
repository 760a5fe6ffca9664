package dev.segments.attribute;

import java.util.Map;

/**
 * One attribute of the catalog: how many users' snapshots hold it, their share of all users, and how
 * many hold it with each JSON type ({@code string}, {@code number}, {@code boolean}, {@code array},
 * {@code object}).
 */
public record AttributeStats(String name, long users, double share, Map<String, Long> types) {
}
