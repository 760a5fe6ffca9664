package dev.segments.rule;

/**
 * A segment reference node: {@code {"segment": 42}}. It holds when the user is currently a
 * member of segment {@code segmentId}. Whether that segment exists and whether the reference makes
 * a cycle is checked by the caller, which has the database.
 *
 * @param segmentId the referenced segment, positive
 * @param pointer the JSON Pointer of this node in the request it was parsed from, e.g.
 *     {@code /rules/conditions/1}, so that the caller can report a missing segment or a cycle
 */
public record SegmentRef(long segmentId, String pointer) implements RuleNode {

    public SegmentRef {
        if (segmentId <= 0) {
            throw new IllegalArgumentException("segment id must be positive: " + segmentId);
        }
        if (pointer == null) {
            throw new NullPointerException("pointer");
        }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.segmentRef(this);
    }
}
