package dev.segments.compute;

import java.util.List;

/** What a dirty-user pass did: users evaluated, joins, leaves, and the job rows it left. */
public record IncrementalResult(long users, long added, long removed, List<Long> jobIds) {
}
