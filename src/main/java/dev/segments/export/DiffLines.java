package dev.segments.export;

import java.nio.charset.StandardCharsets;

/** Renders a diff export's lines exactly as {@link ExportFormat#lineSql} does for {@code diff} mode. */
final class DiffLines {

    private final byte[] head;
    private final byte[] entered;
    private final byte[] left;
    private final IdField id;
    private final byte[] line = new byte[IdField.LINE_CAPACITY];

    DiffLines(ExportFormat format) {
        boolean csv = format == ExportFormat.CSV;
        id = new IdField(format);
        head = (csv ? "" : "{\"user_id\":").getBytes(StandardCharsets.US_ASCII);
        entered = (csv ? ",entered" : ",\"change\":\"entered\"}").getBytes(StandardCharsets.US_ASCII);
        left = (csv ? ",left" : ",\"change\":\"left\"}").getBytes(StandardCharsets.US_ASCII);
    }

    /** The line of one change into {@link #bytes()}; answers its length ({@code externalId} as in {@link FullLines}). */
    int render(long userId, String externalId, boolean enters) {
        System.arraycopy(head, 0, line, 0, head.length);
        int n = id.write(userId, externalId, line, head.length);
        byte[] tail = enters ? entered : left;
        System.arraycopy(tail, 0, line, n, tail.length);
        return n + tail.length;
    }

    byte[] bytes() {
        return line;
    }
}

