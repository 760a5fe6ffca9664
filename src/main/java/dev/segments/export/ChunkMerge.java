package dev.segments.export;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Compares a segment's members with a destination's baseline one range of 4096 user ids (a chunk,
 * see {@link ExportBaseline}) at a time, both read as streams in user-id order: it holds one chunk of
 * members (at most 4096 offsets) and the baseline's chunk, never the whole set, so its memory does not
 * grow with the number of members. Every member is handed on as it is read (a full export's lines),
 * every change once its chunk is complete (a diff export's lines, in user-id order), and every chunk
 * that differs is handed to a {@link Target} with its new offsets (or dropped when no member is left).
 */
final class ChunkMerge {

    static final int CHUNK_SIZE = 1 << ExportBaseline.CHUNK_BITS;
    private static final int MASK = CHUNK_SIZE - 1;

    /** The members, in strictly increasing user-id order. */
    interface Members {
        boolean next() throws IOException, SQLException;

        long userId();

        long addedAtMicros();
    }

    /** The baseline's chunks in increasing order: the chunk's number and its sorted offsets. */
    interface Chunks {
        boolean next() throws IOException, SQLException;

        long chunk();

        short[] offsets();

        int count();
    }

    /** Where chunks that differ go; {@code offsets} is reused after the call. */
    interface Target {
        void put(long chunk, short[] offsets, int count) throws SQLException;

        void drop(long chunk) throws SQLException;
    }

    /** Receives a full export's members in user-id order. */
    interface MemberSink {
        void member(long userId, long addedAtMicros) throws IOException;
    }

    /** Receives the changes of a diff in user-id order. */
    interface ChangeSink {
        void change(long userId, boolean entered) throws IOException;
    }

    /** What a merge found: who entered and left, and how many chunks differed. */
    record Difference(long entered, long left, long chunks) {
    }

    private final short[] current = new short[CHUNK_SIZE];
    private long entered;
    private long left;
    private long changedChunks;

    /** Runs the merge to the end of both streams; {@code memberSink} and {@code changeSink} may be null. */
    Difference run(Members members, Chunks baseline, MemberSink memberSink, ChangeSink changeSink, Target target)
            throws IOException, SQLException {
        boolean member = members.next();
        boolean old = baseline.next();
        long previous = Long.MIN_VALUE;
        while (member || old) {
            long chunk = Math.min(member ? members.userId() >> ExportBaseline.CHUNK_BITS : Long.MAX_VALUE,
                    old ? baseline.chunk() : Long.MAX_VALUE);
            int count = 0;
            while (member && members.userId() >> ExportBaseline.CHUNK_BITS == chunk) {
                long userId = members.userId();
                if (userId <= previous) {
                    throw new IOException("members out of order: " + userId + " after " + previous);
                }
                previous = userId;
                current[count++] = (short) (userId & MASK);
                if (memberSink != null) {
                    memberSink.member(userId, members.addedAtMicros());
                }
                member = members.next();
            }
            boolean stored = old && baseline.chunk() == chunk;
            compare(chunk, count, stored ? baseline.offsets() : current, stored ? baseline.count() : 0, changeSink, target);
            if (stored) {
                old = baseline.next();
            }
        }
        return new Difference(entered, left, changedChunks);
    }

    /** One chunk: the members' offsets ({@link #current}) against the stored ones, merged in order. */
    private void compare(long chunk, int count, short[] stored, int storedCount, ChangeSink sink, Target target)
            throws IOException, SQLException {
        long base = chunk << ExportBaseline.CHUNK_BITS;
        int i = 0;
        int j = 0;
        boolean differs = false;
        while (i < count || j < storedCount) {
            if (j == storedCount || (i < count && current[i] < stored[j])) {
                differs = true;
                entered++;
                if (sink != null) {
                    sink.change(base + current[i], true);
                }
                i++;
            } else if (i == count || stored[j] < current[i]) {
                differs = true;
                left++;
                if (sink != null) {
                    sink.change(base + stored[j], false);
                }
                j++;
            } else {
                i++;
                j++;
            }
        }
        if (!differs) {
            return;
        }
        changedChunks++;
        if (count == 0) {
            target.drop(chunk);
        } else {
            target.put(chunk, current, count);
        }
    }
}
