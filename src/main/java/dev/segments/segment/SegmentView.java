package dev.segments.segment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A segment as the API shows it; job ids are present on the answers that started computes. */
public record SegmentView(long id, String name, String description, JsonNode rules, boolean isComposable,
        Instant createdAt, Instant updatedAt, long memberCount, Instant lastComputedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long jobId,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Long> jobIds) {

    public SegmentView withJobs(Long jobId, List<Long> jobIds) {
        return new SegmentView(id, name, description, rules, isComposable, createdAt, updatedAt, memberCount,
                lastComputedAt, jobId, List.copyOf(jobIds));
    }
}
