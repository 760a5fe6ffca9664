package dev.segments.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * Sorted user ids in a {@code long[]}: a segment's members read once, in user-id order, with a binary
 * {@code COPY} (no text formatting on the server; a full export renders each member's line while
 * reading), or a destination's baseline read from its chunks. Comparing the two is one linear merge;
 * the baseline is then rewritten only in the chunks that differ (see {@link ExportBaseline}).
 */
final class MemberCopy {

    private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
    /** PostgreSQL timestamps count microseconds from 2000-01-01 UTC. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private long[] ids = new long[1 << 16];
    private int size;

    /** Receives a full export's members in user-id order. */
    interface MemberSink {
        void member(long userId, long addedAtMicros) throws IOException;
    }

    int size() {
        return size;
    }

    /** The destination's baseline of the segment: every id of its chunks, sorted. */
    static MemberCopy baseline(Connection conn, long segmentId, long destinationId) throws SQLException, IOException {
        MemberCopy baseline = new MemberCopy();
        String sql = "COPY (SELECT chunk, offsets FROM export_baseline_chunk WHERE segment_id = " + segmentId
                + " AND destination_id = " + destinationId + " ORDER BY chunk) TO STDOUT (FORMAT binary)";
        try (Reader in = new Reader(new PGCopyInputStream(conn.unwrap(PGConnection.class), sql))) {
            while (in.readShort() != -1) {
                in.expectLength(8);
                long base = in.readLong() << ExportBaseline.CHUNK_BITS;
                in.readInt(); // the array's length
                int dimensions = in.readInt();
                in.readInt(); // flags: the column holds no NULLs
                in.readInt(); // element type
                if (dimensions == 0) {
                    continue;
                }
                int count = in.readInt();
                in.readInt(); // lower bound
                for (int i = 0; i < count; i++) {
                    in.expectLength(2);
                    baseline.add(base + in.readShort());
                }
            }
        }
        return baseline;
    }

    /** Receives the changes of a diff in user-id order. */
    interface ChangeSink {
        void change(long userId, boolean entered) throws IOException;
    }

    /**
     * Compares these members (sorted) with a baseline (sorted) in one merge: hands every change to
     * {@code sink} (if any) in user-id order, and answers the counts and the chunks that differ.
     */
    Difference compare(MemberCopy baseline, ChangeSink sink) throws IOException {
        long[] old = baseline.ids;
        int oldSize = baseline.size;
        int i = 0;
        int j = 0;
        long entered = 0;
        long left = 0;
        long[] chunks = new long[16];
        int chunkCount = 0;
        while (i < size || j < oldSize) {
            long id;
            boolean enters;
            if (j == oldSize || (i < size && ids[i] < old[j])) {
                id = ids[i++];
                enters = true;
                entered++;
            } else if (i == size || old[j] < ids[i]) {
                id = old[j++];
                enters = false;
                left++;
            } else {
                i++;
                j++;
                continue;
            }
            long chunk = id >> ExportBaseline.CHUNK_BITS;
            if (chunkCount == 0 || chunks[chunkCount - 1] != chunk) {
                if (chunkCount == chunks.length) {
                    chunks = Arrays.copyOf(chunks, chunkCount * 2);
                }
                chunks[chunkCount++] = chunk;
            }
            if (sink != null) {
                sink.change(id, enters);
            }
        }
        return new Difference(entered, left, Arrays.copyOf(chunks, chunkCount));
    }

    /** What a diff found: counts, and the chunks that differ (sorted). */
    record Difference(long entered, long left, long[] chunks) {
    }

    /**
     * Makes the baseline equal to these members in the chunks that differ: one batch of upserts, each
     * chunk's offsets sent as one {@code smallint[]} parameter, and one delete of the chunks left empty.
     * Nothing is written when no chunk differs.
     */
    void applyTo(Connection conn, long segmentId, long destinationId, long[] changedChunks) throws SQLException {
        if (changedChunks.length == 0) {
            return;
        }
        long[] emptied = new long[changedChunks.length];
        int emptiedCount = 0;
        try (PreparedStatement upsert = conn.prepareStatement("""
                INSERT INTO export_baseline_chunk (segment_id, destination_id, chunk, offsets) VALUES (?, ?, ?, ?)
                ON CONFLICT (segment_id, destination_id, chunk) DO UPDATE SET offsets = EXCLUDED.offsets""")) {
            int start = 0;
            int batched = 0;
            for (long chunk : changedChunks) {
                while (start < size && ids[start] >> ExportBaseline.CHUNK_BITS < chunk) {
                    start++;
                }
                int end = start;
                while (end < size && ids[end] >> ExportBaseline.CHUNK_BITS == chunk) {
                    end++;
                }
                if (end == start) {
                    emptied[emptiedCount++] = chunk;
                    continue;
                }
                upsert.setLong(1, segmentId);
                upsert.setLong(2, destinationId);
                upsert.setLong(3, chunk);
                short[] offsets = new short[end - start];
                for (int i = start; i < end; i++) {
                    offsets[i - start] = (short) (ids[i] & ((1 << ExportBaseline.CHUNK_BITS) - 1));
                }
                upsert.setObject(4, offsets);
                upsert.addBatch();
                if (++batched % 256 == 0) {
                    upsert.executeBatch();
                }
                start = end;
            }
            upsert.executeBatch();
        }
        if (emptiedCount > 0) {
            try (PreparedStatement delete = conn.prepareStatement(
                    "DELETE FROM export_baseline_chunk WHERE segment_id = ? AND destination_id = ? AND chunk = ANY (?)")) {
                delete.setLong(1, segmentId);
                delete.setLong(2, destinationId);
                delete.setObject(3, Arrays.copyOf(emptied, emptiedCount));
                delete.executeUpdate();
            }
        }
    }

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

    /** Renders a diff export's lines exactly as {@link ExportFormat#lineSql} does for {@code diff} mode. */
    static final class DiffLines {

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
}
