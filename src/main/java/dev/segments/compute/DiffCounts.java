package dev.segments.compute;

/**
 * What one evaluation of a segment changed: joins, leaves, and the member count afterwards.
 * {@code usersEvaluated} is null for full computes (every user is evaluated).
 */
public record DiffCounts(Long usersEvaluated, long added, long removed, long memberCount) {
}
