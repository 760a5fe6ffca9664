package dev.segments.estimate;

import java.util.List;

/**
 * What saving new rules for a segment would change, counted exactly and saved nowhere: the users who
 * would join and leave, the current and the new member count, and the first user ids (external) of each side.
 */
public record Preview(long segmentId, long addedCount, long removedCount, long currentMemberCount, long memberCount,
        List<String> addedSample, List<String> removedSample, double elapsedMs) {
}
