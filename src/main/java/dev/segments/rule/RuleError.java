package dev.segments.rule;

/**
 * One problem in a rule.
 *
 * @param pointer JSON Pointer (RFC 6901) of the offending node or member in the request, e.g.
 *     {@code /rules/conditions/2/value}
 * @param message what is wrong, in words meant for the person who wrote the rule
 */
public record RuleError(String pointer, String message) {}
