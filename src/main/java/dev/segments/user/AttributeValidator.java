package dev.segments.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.problem.Problem.FieldError;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks an attribute object before anything is stored: names of 1 to 256 characters, no U+0000
 * anywhere (PostgreSQL cannot store it), numbers that are finite doubles (rules compare numbers as
 * IEEE-754 doubles), and values nested at most 32 levels deep.
 */
public final class AttributeValidator {

    public static final int MAX_NAME_LENGTH = 256;
    private static final int MAX_DEPTH = 32;

    private AttributeValidator() {
    }

    public static void check(JsonNode attributes, String pointer, List<FieldError> errors) {
        if (attributes == null || !attributes.isObject()) {
            errors.add(new FieldError(pointer, "must be a JSON object of attributes"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            String at = pointer + "/" + escape(name);
            int length = name.codePointCount(0, name.length());
            if (length == 0 || length > MAX_NAME_LENGTH) {
                errors.add(new FieldError(at, "attribute names have 1 to 256 characters"));
            } else if (name.indexOf('\0') >= 0) {
                errors.add(new FieldError(at, "attribute names cannot contain the character U+0000"));
            }
            checkValue(field.getValue(), at, 1, errors);
        }
    }

    private static void checkValue(JsonNode value, String at, int depth, List<FieldError> errors) {
        if (depth > MAX_DEPTH) {
            errors.add(new FieldError(at, "values may be nested at most " + MAX_DEPTH + " levels deep"));
        } else if (value.isTextual() && value.textValue().indexOf('\0') >= 0) {
            errors.add(new FieldError(at, "strings cannot contain the character U+0000"));
        } else if (value.isNumber() && !fitsDouble(value)) {
            errors.add(new FieldError(at, "numbers must fit in an IEEE-754 double (no overflow to infinity, no underflow to zero)"));
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                checkValue(value.get(i), at + "/" + i, depth + 1, errors);
            }
        } else if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().indexOf('\0') >= 0) {
                    errors.add(new FieldError(at, "keys cannot contain the character U+0000"));
                }
                checkValue(field.getValue(), at + "/" + escape(field.getKey()), depth + 1, errors);
            }
        }
    }

    private static boolean fitsDouble(JsonNode number) {
        double value = number.doubleValue();
        return Double.isFinite(value) && (value != 0 || number.decimalValue().signum() == 0);
    }

    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
