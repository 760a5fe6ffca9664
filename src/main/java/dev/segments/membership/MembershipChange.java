package dev.segments.membership;

/** A join or a leave of one user in one segment, caused by an event (its id) on the real-time path. */
public record MembershipChange(long userId, long segmentId, boolean join, String eventId) {
}
