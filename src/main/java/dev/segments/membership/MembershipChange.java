package dev.segments.membership;

/**
 * A join or a leave of one user in one segment, with its cause: the event that caused it
 * ({@code eventId}) or the compute job that found it ({@code jobId}); exactly one is set.
 */
public record MembershipChange(long userId, long segmentId, boolean join, String eventId, Long jobId) {

    public static MembershipChange byEvent(long userId, long segmentId, boolean join, String eventId) {
        return new MembershipChange(userId, segmentId, join, eventId, null);
    }

    public static MembershipChange byJob(long userId, long segmentId, boolean join, long jobId) {
        return new MembershipChange(userId, segmentId, join, null, jobId);
    }
}
