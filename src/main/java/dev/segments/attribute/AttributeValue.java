package dev.segments.attribute;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value of an attribute (an element, for arrays) and about how many users hold it: the count in the
 * sample scaled to all users, exact when the sample was everyone.
 */
public record AttributeValue(JsonNode value, String type, long users) {
}
