package dev.segments.export;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Renders a full export's lines exactly as {@link ExportFormat#lineSql} does for {@code full} mode
 * ({@code to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')}), without a server
 * round of {@code to_char} per member. Consecutive equal join times (a compute writes many members
 * at one time) are formatted once.
 */
final class FullLines {

    /** PostgreSQL timestamps count microseconds from 2000-01-01 UTC. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private final byte[] head;
    private final byte[] middle;
    private final byte[] tail;
    private final IdField id;
    private final byte[] line = new byte[IdField.LINE_CAPACITY];
    private final byte[] time = new byte[32];
    private int timeLength;
    private long lastMicros = Long.MIN_VALUE + 1;
    private long lastDay = Long.MIN_VALUE;
    private final byte[] date = new byte[24];
    private int dateLength;

    FullLines(ExportFormat format) {
        String[] parts = format == ExportFormat.CSV ? new String[] {"", ",", ""}
                : new String[] {"{\"user_id\":", ",\"added_at\":\"", "\"}"};
        id = new IdField(format);
        head = parts[0].getBytes(StandardCharsets.US_ASCII);
        middle = parts[1].getBytes(StandardCharsets.US_ASCII);
        tail = parts[2].getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The line of one member into {@link #bytes()}; answers its length. {@code externalId} is the
     * external id of an allocated id, null for an id that reads as its number.
     */
    int render(long userId, String externalId, long addedAtMicros) {
        if (addedAtMicros == Long.MAX_VALUE || addedAtMicros == Long.MIN_VALUE) {
            line[0] = '\\'; // to_char of an infinite time is NULL, and so is the line: COPY writes \N
            line[1] = 'N';
            return 2;
        }
        if (addedAtMicros != lastMicros) {
            formatTime(addedAtMicros);
        }
        int n = put(head, 0);
        n = id.write(userId, externalId, line, n);
        n = put(middle, n);
        System.arraycopy(time, 0, line, n, timeLength);
        n += timeLength;
        return put(tail, n);
    }

    byte[] bytes() {
        return line;
    }

    private int put(byte[] part, int at) {
        System.arraycopy(part, 0, line, at, part.length);
        return at + part.length;
    }

    private void formatTime(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L) + POSTGRES_EPOCH_SECONDS;
        long fraction = Math.floorMod(micros, 1_000_000L);
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        if (day != lastDay) {
            LocalDate d = LocalDate.ofEpochDay(day);
            int year = d.getYear() <= 0 ? 1 - d.getYear() : d.getYear(); // as to_char: no sign, BC counted from 1
            String text = String.format("%04d-%02d-%02dT", year, d.getMonthValue(), d.getDayOfMonth());
            dateLength = text.length();
            for (int i = 0; i < dateLength; i++) {
                date[i] = (byte) text.charAt(i);
            }
            lastDay = day;
        }
        System.arraycopy(date, 0, time, 0, dateLength);
        int n = dateLength;
        n = two(secondOfDay / 3600, n);
        time[n++] = ':';
        n = two(secondOfDay / 60 % 60, n);
        time[n++] = ':';
        n = two(secondOfDay % 60, n);
        time[n++] = '.';
        for (int i = 5; i >= 0; i--) {
            time[n + i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        n += 6;
        time[n++] = 'Z';
        timeLength = n;
        lastMicros = micros;
    }

    private int two(int value, int at) {
        time[at] = (byte) ('0' + value / 10);
        time[at + 1] = (byte) ('0' + value % 10);
        return at + 2;
    }
}

