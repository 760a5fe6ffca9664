package dev.segments.segment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A segment as the API shows it; job ids are present on the answers that started computes.
 * {@code timeDependent}: the segment's rule or a segment it references (through any chain) uses
 * {@code within_last} or {@code more_than_ago}, so it is re-evaluated on a schedule.
 */
public record SegmentView(long id, String name, String description, JsonNode rules, boolean isComposable,
        boolean timeDependent, Instant createdAt, Instant updatedAt, long memberCount, Instant lastComputedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long jobId,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Long> jobIds) {

    public SegmentView withJobs(Long jobId, List<Long> jobIds) {
        return new SegmentView(id, name, description, rules, isComposable, timeDependent, createdAt, updatedAt, memberCount,
                lastComputedAt, jobId, List.copyOf(jobIds));
    }
}
