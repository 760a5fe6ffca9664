package dev.segments.membership;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One join or leave from the membership event log, with its cause. {@code userId} is the external id
 * (as the customer knows it). {@code segmentName} is null when the segment has since been deleted (its
 * history stays readable from the user's side).
 */
public record HistoryEntry(long id, String userId, long segmentId, String segmentName, String kind, Instant occurredAt,
        Cause cause) {

    /**
     * Why it happened: {@code kind} is {@code event} (an attribute change, with its {@code event_id} when the
     * client sent one), {@code user_deleted} (the user was deleted), or {@code job} (a compute job found it:
     * {@code job_id}, the job's {@code job_kind} — full or incremental — and what {@code triggered_by} it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cause(String kind, String eventId, Long jobId, String jobKind, String triggeredBy) {

        static final String USER_DELETED = "user_deleted";

        static Cause of(String cause, String eventId, Long jobId, String jobKind, String triggeredBy) {
            if ("job".equals(cause)) {
                return new Cause("job", null, jobId, jobKind, triggeredBy);
            }
            return USER_DELETED.equals(eventId) ? new Cause(USER_DELETED, null, null, null, null)
                    : new Cause("event", eventId, null, null, null);
        }
    }
}
