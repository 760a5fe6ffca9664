package dev.segments.export;

import dev.segments.user.UserIdText;
import java.nio.charset.StandardCharsets;

/**
 * Writes the user id field of an export line exactly as {@link ExportFormat#lineSql} does: a number's
 * digits (in quotes for JSON), or the external id of an allocated id as a CSV field or a JSON string
 * ({@link UserIdText}), UTF-8.
 */
final class IdField {

    /** Room for a line: the longest id (255 code points, at most 6 bytes each once escaped) and the rest. */
    static final int LINE_CAPACITY = 2048;

    private final boolean csv;

    IdField(ExportFormat format) {
        this.csv = format == ExportFormat.CSV;
    }

    /** Writes the field into {@code line} from {@code at}; answers where it ends. */
    int write(long userId, String externalId, byte[] line, int at) {
        if (externalId == null) {
            int n = at;
            if (!csv) {
                line[n++] = '"';
            }
            String text = Long.toString(userId); // small and JIT-friendly; ids are ASCII digits
            for (int i = 0; i < text.length(); i++) {
                line[n++] = (byte) text.charAt(i);
            }
            if (!csv) {
                line[n++] = '"';
            }
            return n;
        }
        byte[] text = (csv ? UserIdText.csv(externalId) : UserIdText.json(externalId)).getBytes(StandardCharsets.UTF_8);
        if (at + text.length > line.length - 64) {
            throw new IllegalStateException("user id of " + externalId.length() + " characters does not fit an export line");
        }
        System.arraycopy(text, 0, line, at, text.length);
        return at + text.length;
    }
}
