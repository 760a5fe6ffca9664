package dev.segments.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The merge behind directory exports, fed by generated streams (no database): it finds exactly the
 * changes, in user-id order, and the heap it retains does not grow with the number of members. The
 * heap is measured after a full collection at four points of each run (so only what the merge still
 * holds counts), for 1M and 4M generated ids; a control sink that keeps every id shows that the
 * measurement sees such growth.
 */
class ChunkMergeTest {

    private static final int N = 1_000_000;

    @Test
    void shouldFindEveryChangeInUserIdOrderAndRewriteOnlyChunksThatDiffer() throws Exception {
        long[] expected = new long[2];
        for (long id = 1; id <= 100_000; id++) {
            if (isMember(id) && !inBaseline(id)) {
                expected[0]++;
            } else if (!isMember(id) && inBaseline(id)) {
                expected[1]++;
            }
        }
        long[] last = {0};
        long[] seen = new long[2];
        Target target = new Target();
        ChunkMerge.Difference difference = new ChunkMerge().run(new Members(100_000), new Baseline(100_000), null,
                (userId, externalId, entered) -> {
                    assertTrue(userId > last[0], "changes in user-id order");
                    assertEquals(isMember(userId), entered, "user " + userId);
                    assertTrue(isMember(userId) != inBaseline(userId), "user " + userId + " changed");
                    last[0] = userId;
                    seen[entered ? 0 : 1]++;
                }, target);
        assertEquals(expected[0], difference.entered());
        assertEquals(expected[1], difference.left());
        assertEquals(expected[0], seen[0]);
        assertEquals(expected[1], seen[1]);
        // chunk 0 and the partly filled last chunk differ, and so does every chunk between
        assertEquals(100_000 / ChunkMerge.CHUNK_SIZE + 1, difference.chunks());
        assertEquals(difference.chunks(), target.put);
        assertEquals(0, target.dropped);
    }

    @Test
    void shouldDropChunksLeftEmptyAndWriteNothingWhenNothingChanged() throws Exception {
        Target target = new Target();
        ChunkMerge.Difference gone = new ChunkMerge().run(new Members(0), new Baseline(10_000), null, null, target);
        long stored = java.util.stream.LongStream.rangeClosed(1, 10_000).filter(ChunkMergeTest::inBaseline).count();
        assertEquals(0, gone.entered());
        assertEquals(stored, gone.left());
        assertEquals(3, target.dropped);
        Target none = new Target();
        Baseline same = new Baseline(10_000) {
            @Override
            boolean stored(long id) {
                return isMember(id);
            }
        };
        ChunkMerge.Difference unchanged = new ChunkMerge().run(new Members(10_000), same, null, null, none);
        assertEquals(0, unchanged.entered() + unchanged.left() + unchanged.chunks() + none.put + none.dropped);
    }

    @Test
    void shouldRetainNoMoreHeapForFourTimesTheMembers() throws Exception {
        // the least growth of up to three tries: a collection timed badly on a busy machine can only add to a
        // measurement (a region still in use), while a structure that grows with the members shows every time
        long one = 0;
        long four = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3 && four - one >= 1_500_000; attempt++) {
            one = retainedDuringMerge(N, false);
            four = retainedDuringMerge(4 * N, false);
            System.out.printf("merge retained %,d bytes for 1M generated ids, %,d for 4M%n", one, four);
        }
        // a structure of even 1 byte per member would add 3 MB here; a long per member, 24 MB
        assertTrue(four - one < 1_500_000, "retained " + one + " bytes for 1M members, " + four + " for 4M");
    }

    @Test
    void shouldSeeTheHeapGrowWhenASinkKeepsEveryId() throws Exception {
        long one = retainedDuringMerge(N, true);
        long four = retainedDuringMerge(4 * N, true);
        System.out.printf("a sink keeping every id retained %,d bytes for 1M generated ids, %,d for 4M%n", one, four);
        assertTrue(four - one > 6_000_000, "a sink keeping every id: " + one + " vs " + four + " bytes");
    }

    /** The most heap still reachable at four points of a full export of {@code members}, over what it was before. */
    private static long retainedDuringMerge(int members, boolean keepIds) throws Exception {
        long[][] kept = {new long[16]};
        int[] count = {0};
        long[] peak = {0};
        long before = usedAfterGc();
        new ChunkMerge().run(new Members(members), new Baseline(members), (userId, externalId, addedAt) -> {
            if (keepIds) {
                if (count[0] == kept[0].length) {
                    kept[0] = Arrays.copyOf(kept[0], count[0] * 2);
                }
                kept[0][count[0]] = userId;
            }
            if (++count[0] % (members / 4) == 0) {
                peak[0] = Math.max(peak[0], usedAfterGc() - before);
            }
        }, null, new Target());
        return peak[0];
    }

    private static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static boolean isMember(long id) {
        return id % 3 != 0 && id % 11 != 0;
    }

    static boolean inBaseline(long id) {
        return id % 5 != 0 && id % 11 != 0;
    }

    /** Generated members 1..n (those {@link #isMember}), in order, held by nothing. */
    private static final class Members implements ChunkMerge.Members {
        private final long last;
        private long id;

        Members(long last) {
            this.last = last;
        }

        @Override
        public boolean next() {
            do {
                id++;
            } while (id <= last && !isMember(id));
            return id <= last;
        }

        @Override
        public long userId() {
            return id;
        }

        @Override
        public long addedAtMicros() {
            return 0;
        }
    }

    /** Generated baseline chunks of the ids 1..n that are {@link #stored}, one chunk at a time. */
    private static class Baseline implements ChunkMerge.Chunks {
        private final long last;
        private final short[] offsets = new short[ChunkMerge.CHUNK_SIZE];
        private long chunk = -1;
        private int count;

        Baseline(long last) {
            this.last = last;
        }

        boolean stored(long id) {
            return inBaseline(id);
        }

        @Override
        public boolean next() {
            do {
                chunk++;
                count = 0;
                for (int offset = 0; offset < ChunkMerge.CHUNK_SIZE; offset++) {
                    long id = chunk * ChunkMerge.CHUNK_SIZE + offset;
                    if (id >= 1 && id <= last && stored(id)) {
                        offsets[count++] = (short) offset;
                    }
                }
            } while (count == 0 && chunk * ChunkMerge.CHUNK_SIZE <= last);
            return count > 0;
        }

        @Override
        public long chunk() {
            return chunk;
        }

        @Override
        public short[] offsets() {
            return offsets;
        }

        @Override
        public int count() {
            return count;
        }
    }

    @Test
    void shouldCarryExternalIdsAndLookUpOnlyTheLeaversOfAllocatedChunks() throws Exception {
        long a = 1L << 62;
        // members: numeric 5 and allocated a, a+2; baseline: numeric 7 (left) and allocated a+1 (left), a+2
        long[] ids = {5, a, a + 2};
        String[] external = {null, "x,1", "y\"2"};
        ChunkMerge.Members members = new ChunkMerge.Members() {
            int i = -1;

            @Override
            public boolean next() {
                return ++i < ids.length;
            }

            @Override
            public long userId() {
                return ids[i];
            }

            @Override
            public String externalId() {
                return external[i];
            }

            @Override
            public long addedAtMicros() {
                return 0;
            }
        };
        long[][] chunks = {{0, 7}, {a >> ExportBaseline.CHUNK_BITS, 1, 2}};
        ChunkMerge.Chunks baseline = new ChunkMerge.Chunks() {
            final short[] offsets = new short[ChunkMerge.CHUNK_SIZE];
            int i = -1;

            @Override
            public boolean next() {
                return ++i < chunks.length;
            }

            @Override
            public long chunk() {
                return chunks[i][0];
            }

            @Override
            public short[] offsets() {
                for (int j = 1; j < chunks[i].length; j++) {
                    offsets[j - 1] = (short) chunks[i][j];
                }
                return offsets;
            }

            @Override
            public int count() {
                return chunks[i].length - 1;
            }
        };
        List<List<Long>> lookups = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        new ChunkMerge((gone, count) -> {
            lookups.add(Arrays.stream(gone, 0, count).boxed().toList());
            return java.util.Map.of(a + 1, "z 3");
        }).run(members, baseline, null, (userId, externalId, entered) -> changes.add(userId + " " + externalId + " " + entered),
                new Target());
        assertEquals(List.of("5 null true", "7 null false", a + " x,1 true", (a + 1) + " z 3 false"), changes);
        assertEquals(List.of(List.of(a + 1)), lookups, "one lookup, of the allocated leaver only");
    }

    /** Counts the chunks written and dropped. */
    private static final class Target implements ChunkMerge.Target {
        long put;
        long dropped;

        @Override
        public void put(long chunk, short[] offsets, int count) {
            put++;
        }

        @Override
        public void drop(long chunk) {
            dropped++;
        }
    }
}
