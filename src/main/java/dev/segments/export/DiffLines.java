package dev.segments.export;

import java.nio.charset.StandardCharsets;

/** Renders a diff export's lines exactly as {@link ExportFormat#lineSql} does for {@code diff} mode. */
final class DiffLines {

    private final byte[] head;
    private final byte[] entered;
    private final byte[] left;
    private final byte[] line = new byte[64];

    DiffLines(ExportFormat format) {
        boolean csv = format == ExportFormat.CSV;
        head = (csv ? "" : "{\"user_id\":").getBytes(StandardCharsets.US_ASCII);
        entered = (csv ? ",entered" : ",\"change\":\"entered\"}").getBytes(StandardCharsets.US_ASCII);
        left = (csv ? ",left" : ",\"change\":\"left\"}").getBytes(StandardCharsets.US_ASCII);
    }

    int render(long userId, boolean enters) {
        System.arraycopy(head, 0, line, 0, head.length);
        String digits = Long.toString(userId);
        int n = head.length;
        for (int i = 0; i < digits.length(); i++) {
            line[n++] = (byte) digits.charAt(i);
        }
        byte[] tail = enters ? entered : left;
        System.arraycopy(tail, 0, line, n, tail.length);
        return n + tail.length;
    }

    byte[] bytes() {
        return line;
    }
}

