package dev.segments.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.PGCopyInputStream;

/**
 * A segment's members read once, in user-id order, with a binary {@code COPY} (no text formatting on the
 * server): their ids are kept, sorted, to become the export's "current members" table
 * ({@code export_current}: baseline chunks, see {@link ExportBaseline}), uploaded with a binary
 * {@code COPY FROM STDIN}; a full export also renders each member's line while reading.
 */
final class MemberCopy {

    private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
    /** PostgreSQL timestamps count microseconds from 2000-01-01 UTC. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final int INT8_OID = 20;

    private long[] ids = new long[1 << 16];
    private int size;

    /** Receives a full export's members in user-id order. */
    interface MemberSink {
        void member(long userId, long addedAtMicros) throws IOException;
    }

    int size() {
        return size;
    }

    /** The temporary table of the members as baseline chunks, dropped when the transaction ends. */
    static void createCurrentTable(Connection conn) throws SQLException {
        try (var statement = conn.createStatement()) {
            statement.execute("CREATE TEMPORARY TABLE export_current (chunk BIGINT PRIMARY KEY, ids BIGINT[] NOT NULL) "
                    + "ON COMMIT DROP");
        }
    }

    static final String CURRENT = "SELECT chunk, ids FROM export_current";

    /** Reads the members' ids (and, given a sink, their join times, handed to it row by row). */
    void read(Connection conn, long segmentId, MemberSink sink) throws SQLException, IOException {
        String sql = "COPY (SELECT user_id" + (sink == null ? "" : ", added_at") + " FROM segment_membership WHERE segment_id = "
                + segmentId + " AND removed_at IS NULL ORDER BY user_id) TO STDOUT (FORMAT binary)";
        try (Reader in = new Reader(new PGCopyInputStream(conn.unwrap(PGConnection.class), sql))) {
            int fields;
            while ((fields = in.readShort()) != -1) {
                in.expectLength(8);
                long userId = in.readLong();
                add(userId);
                if (sink != null) {
                    if (fields != 2) {
                        throw new IOException("unexpected COPY row of " + fields + " fields");
                    }
                    in.expectLength(8);
                    sink.member(userId, in.readLong());
                }
            }
        }
    }

    private void add(long userId) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        ids[size++] = userId;
    }

    /** Writes the ids read into {@code export_current}, one row per chunk of {@link ExportBaseline#CHUNK_BITS}. */
    void upload(Connection conn) throws SQLException {
        CopyIn copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY export_current (chunk, ids) FROM STDIN (FORMAT binary)");
        try {
            Writer out = new Writer(copy);
            out.bytes(SIGNATURE);
            out.int32(0); // flags
            out.int32(0); // header extension
            int start = 0;
            while (start < size) {
                long chunk = ids[start] >> ExportBaseline.CHUNK_BITS;
                int end = start + 1;
                while (end < size && ids[end] >> ExportBaseline.CHUNK_BITS == chunk) {
                    end++;
                }
                int count = end - start;
                out.int16(2);
                out.int32(8);
                out.int64(chunk);
                out.int32(20 + 12 * count); // one-dimensional int8 array without NULLs
                out.int32(1);
                out.int32(0);
                out.int32(INT8_OID);
                out.int32(count);
                out.int32(1);
                for (int i = start; i < end; i++) {
                    out.int32(8);
                    out.int64(ids[i]);
                }
                start = end;
            }
            out.int16(-1);
            out.flush();
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /**
     * Renders a full export's lines exactly as {@link ExportFormat#lineSql} does for {@code full} mode
     * ({@code to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')}), without a server
     * round of {@code to_char} per member. Consecutive equal join times (a compute writes many members
     * at one time) are formatted once.
     */
    static final class FullLines {

        private final byte[] head;
        private final byte[] middle;
        private final byte[] tail;
        private final byte[] line = new byte[128];
        private final byte[] time = new byte[32];
        private int timeLength;
        private long lastMicros = Long.MIN_VALUE + 1;
        private long lastDay = Long.MIN_VALUE;
        private final byte[] date = new byte[24];
        private int dateLength;

        FullLines(ExportFormat format) {
            String[] parts = format == ExportFormat.CSV ? new String[] {"", ",", ""}
                    : new String[] {"{\"user_id\":", ",\"added_at\":\"", "\"}"};
            head = parts[0].getBytes(StandardCharsets.US_ASCII);
            middle = parts[1].getBytes(StandardCharsets.US_ASCII);
            tail = parts[2].getBytes(StandardCharsets.US_ASCII);
        }

        /** The line of one member into {@link #bytes()}; answers its length. */
        int render(long userId, long addedAtMicros) {
            if (addedAtMicros == Long.MAX_VALUE || addedAtMicros == Long.MIN_VALUE) {
                line[0] = '\\'; // to_char of an infinite time is NULL, and so is the line: COPY writes \N
                line[1] = 'N';
                return 2;
            }
            if (addedAtMicros != lastMicros) {
                formatTime(addedAtMicros);
            }
            int n = put(head, 0);
            n = digits(userId, n);
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

        private int digits(long value, int at) {
            String text = Long.toString(value); // small and JIT-friendly; ids are ASCII digits
            for (int i = 0; i < text.length(); i++) {
                line[at + i] = (byte) text.charAt(i);
            }
            return at + text.length();
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

    /** The fields of a binary COPY, read from a buffer refilled as needed. */
    private static final class Reader implements AutoCloseable {

        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;

        Reader(InputStream in) throws IOException {
            this.in = in;
            need(SIGNATURE.length + 8);
            for (byte b : SIGNATURE) {
                if (buffer[position++] != b) {
                    throw new IOException("not a binary COPY");
                }
            }
            readInt(); // flags
            int extension = readInt();
            for (int i = 0; i < extension; i++) {
                need(1);
                position++;
            }
        }

        int readShort() throws IOException {
            need(2);
            int value = (short) (((buffer[position] & 0xff) << 8) | (buffer[position + 1] & 0xff));
            position += 2;
            return value;
        }

        int readInt() throws IOException {
            need(4);
            int value = ((buffer[position] & 0xff) << 24) | ((buffer[position + 1] & 0xff) << 16)
                    | ((buffer[position + 2] & 0xff) << 8) | (buffer[position + 3] & 0xff);
            position += 4;
            return value;
        }

        long readLong() throws IOException {
            long high = readInt() & 0xffffffffL;
            return (high << 32) | (readInt() & 0xffffffffL);
        }

        void expectLength(int length) throws IOException {
            int actual = readInt();
            if (actual != length) {
                throw new IOException("unexpected COPY field of " + actual + " bytes");
            }
        }

        private void need(int bytes) throws IOException {
            if (limit - position >= bytes) {
                return;
            }
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
            while (limit < bytes) {
                int read = in.read(buffer, limit, buffer.length - limit);
                if (read < 0) {
                    throw new IOException("COPY ended inside a row");
                }
                limit += read;
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Big-endian fields into a COPY IN, a buffer at a time. */
    private static final class Writer {

        private final CopyIn copy;
        private final byte[] buffer = new byte[1 << 16];
        private int position;

        Writer(CopyIn copy) {
            this.copy = copy;
        }

        void bytes(byte[] bytes) throws SQLException {
            room(bytes.length);
            System.arraycopy(bytes, 0, buffer, position, bytes.length);
            position += bytes.length;
        }

        void int16(int value) throws SQLException {
            room(2);
            buffer[position++] = (byte) (value >> 8);
            buffer[position++] = (byte) value;
        }

        void int32(int value) throws SQLException {
            room(4);
            buffer[position++] = (byte) (value >> 24);
            buffer[position++] = (byte) (value >> 16);
            buffer[position++] = (byte) (value >> 8);
            buffer[position++] = (byte) value;
        }

        void int64(long value) throws SQLException {
            int32((int) (value >> 32));
            int32((int) value);
        }

        void flush() throws SQLException {
            if (position > 0) {
                copy.writeToCopy(buffer, 0, position);
                position = 0;
            }
        }

        private void room(int bytes) throws SQLException {
            if (buffer.length - position < bytes) {
                flush();
            }
        }
    }
}
