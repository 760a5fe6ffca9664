package dev.segments.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * External user ids (what customers send) and their relation to the engine's internal {@code long} ids
 * (the key of every user-keyed table). An external id is a string of 1 to 255 characters without control
 * characters; a JSON number stands for its decimal string. A canonical decimal from 1 to 2^62 - 1 is its
 * own internal id; every other external id is mapped through {@code user_key} ({@link UserKeys}).
 */
public final class UserIds {

    /** Internal ids from here up are allocated through {@code user_key}; below, they are the number itself. */
    public static final long ALLOCATED_FROM = 1L << 62;
    public static final int MAX_LENGTH = 255;

    private UserIds() {
    }

    /** The internal id an external id is by itself, or -1 when it needs a {@code user_key} row. */
    public static long numeric(String external) {
        int n = external.length();
        if (n == 0 || n > 19 || external.charAt(0) < '1' || external.charAt(0) > '9') {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = external.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value >= ALLOCATED_FROM) {
                return -1;
            }
        }
        return value;
    }

    /** The external id of an internal id below {@link #ALLOCATED_FROM}; others need {@link UserKeys}. */
    public static boolean readsAsNumber(long internal) {
        return internal >= 1 && internal < ALLOCATED_FROM;
    }

    /**
     * A user id from a JSON body: a string as it is, or an integral number as its decimal string;
     * anything else adds an error at {@code pointer} and answers null.
     */
    public static String fromJson(JsonNode node, String pointer, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError(pointer, "user_id is required: a string of 1 to 255 characters"));
            return null;
        }
        if (node.isNumber()) {
            BigDecimal number = node.decimalValue();
            if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
                errors.add(new FieldError(pointer, "a numeric user_id must be a whole number; send other ids as strings"));
                return null;
            }
            // measured before it is written out: 1e999999999 would take minutes to expand, and cannot be an id
            if (number.precision() - number.scale() > MAX_LENGTH) {
                errors.add(new FieldError(pointer, "user_id must have 1 to 255 characters (a number of more than 255 digits)"));
                return null;
            }
            return check(number.toBigInteger().toString(), pointer, errors);
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(pointer, "user_id must be a string of 1 to 255 characters (or a whole number)"));
            return null;
        }
        return check(node.textValue(), pointer, errors);
    }

    /** A user id from a URL path (already decoded); a bad one is a 400 naming {@code /user_id}. */
    public static String fromPath(String raw) {
        List<FieldError> errors = new ArrayList<>(1);
        String id = check(raw == null ? "" : raw, "/user_id", errors);
        if (id == null) {
            throw ProblemException.badRequest(errors);
        }
        return id;
    }

    private static String check(String id, String pointer, List<FieldError> errors) {
        int length = id.codePointCount(0, id.length());
        if (length == 0 || length > MAX_LENGTH) {
            errors.add(new FieldError(pointer, "user_id must have 1 to 255 characters (it has " + length + ")"));
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                errors.add(new FieldError(pointer, String.format(
                        "user_id cannot contain control characters (U+%04X at position %d)", (int) c, i + 1)));
                return null;
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                errors.add(new FieldError(pointer, "user_id is not valid Unicode (a lone surrogate at position " + (i + 1) + ")"));
                return null;
            }
        }
        return id;
    }
}
