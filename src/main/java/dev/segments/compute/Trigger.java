package dev.segments.compute;

/** Why a compute job ran; stored in {@code segment_compute_job.triggered_by}. */
public enum Trigger {
    EVENT, SCHEDULE, MANUAL, RULE_CHANGE;

    public String wire() {
        return name().toLowerCase();
    }
}
