package dev.segments.export;

import dev.segments.user.UserIds;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;

/**
 * Compares a segment's members with a destination's baseline one range of 4096 user ids (a chunk,
 * see {@link ExportBaseline}) at a time, both read as streams in user-id order: it holds one chunk of
 * members (at most 4096 offsets) and the baseline's chunk, never the whole set, so its memory does not
 * grow with the number of members. Every member is handed on as it is read (a full export's lines),
 * every change once its chunk is complete (a diff export's lines, in user-id order), and every chunk
 * that differs is handed to a {@link Target} with its new offsets (or dropped when no member is left).
 * Members come with their external ids (null for an id below 2^62, which reads as its number); the
 * external ids of members who left, which the members' stream does not have, are looked up one chunk
 * at a time ({@link ExternalIds}), only in chunks of allocated ids.
 */
final class ChunkMerge {

    static final int CHUNK_SIZE = 1 << ExportBaseline.CHUNK_BITS;
    private static final int MASK = CHUNK_SIZE - 1;

    /** The members, in strictly increasing user-id order. */
    interface Members {
        boolean next() throws IOException, SQLException;

        long userId();

        /** The member's external id when its internal id is allocated (2^62 and up), else null. */
        default String externalId() {
            return null;
        }

        long addedAtMicros();
    }

    /** The external ids of allocated internal ids (the first {@code count} of {@code ids}). */
    interface ExternalIds {
        Map<Long, String> of(long[] ids, int count) throws SQLException;
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

    /** Receives a full export's members in user-id order; {@code externalId} as {@link Members#externalId}. */
    interface MemberSink {
        void member(long userId, String externalId, long addedAtMicros) throws IOException;
    }

    /** Receives the changes of a diff in user-id order; {@code externalId} as {@link Members#externalId}. */
    interface ChangeSink {
        void change(long userId, String externalId, boolean entered) throws IOException;
    }

    /** What a merge found: who entered and left, and how many chunks differed. */
    record Difference(long entered, long left, long chunks) {
    }

    private static final long FIRST_ALLOCATED_CHUNK = UserIds.ALLOCATED_FROM >> ExportBaseline.CHUNK_BITS;

    private final short[] current = new short[CHUNK_SIZE];
    private final String[] currentExternal = new String[CHUNK_SIZE];
    private final long[] gone = new long[CHUNK_SIZE];
    private final ExternalIds externalIds;
    private long entered;
    private long left;
    private long changedChunks;

    /** A merge of members whose ids all read as numbers (tests). */
    ChunkMerge() {
        this(null);
    }

    ChunkMerge(ExternalIds externalIds) {
        this.externalIds = externalIds;
    }

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
                currentExternal[count] = members.externalId();
                current[count++] = (short) (userId & MASK);
                if (memberSink != null) {
                    memberSink.member(userId, members.externalId(), members.addedAtMicros());
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
        Map<Long, String> goneIds = sink != null && chunk >= FIRST_ALLOCATED_CHUNK ? goneIds(base, count, stored, storedCount)
                : Map.of();
        int i = 0;
        int j = 0;
        boolean differs = false;
        while (i < count || j < storedCount) {
            if (j == storedCount || (i < count && current[i] < stored[j])) {
                differs = true;
                entered++;
                if (sink != null) {
                    sink.change(base + current[i], currentExternal[i], true);
                }
                i++;
            } else if (i == count || stored[j] < current[i]) {
                differs = true;
                left++;
                if (sink != null) {
                    sink.change(base + stored[j], goneIds.get(base + stored[j]), false);
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

    /** The external ids of the chunk's stored ids that are no longer members, in one lookup (none when none left). */
    private Map<Long, String> goneIds(long base, int count, short[] stored, int storedCount) throws SQLException {
        int n = 0;
        int i = 0;
        for (int j = 0; j < storedCount; j++) {
            while (i < count && current[i] < stored[j]) {
                i++;
            }
            if (i == count || current[i] != stored[j]) {
                gone[n++] = base + stored[j];
            }
        }
        if (n == 0) {
            return Map.of();
        }
        if (externalIds == null) {
            throw new IllegalStateException("members left from allocated ids, and no lookup of their external ids");
        }
        return externalIds.of(gone, n);
    }
}
