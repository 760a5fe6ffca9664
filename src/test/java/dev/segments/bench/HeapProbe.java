package dev.segments.bench;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The most heap this JVM keeps reachable while something runs, over what it kept before: a thread
 * forces a full collection every {@code everyMillis} and takes the heap used as that collection
 * left it ({@code GcInfo.getMemoryUsageAfterGc}, summed over the heap pools), so only live objects
 * count: neither garbage nor the allocation buffers threads take right after the collection. The
 * export worker runs in this JVM (the benchmark is a {@code @QuarkusTest}), so what an export holds
 * shows here; the collections slow the run, which is why the timed runs are separate.
 */
final class HeapProbe {

    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    private final Thread thread;
    private final long before;
    private final StringBuffer trace = new StringBuffer();
    private volatile boolean running = true;
    private volatile long peak;
    private volatile int samples;

    private HeapProbe(long everyMillis) {
        before = usedAfterGc();
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
                long held = usedAfterGc() - before;
                peak = Math.max(peak, held);
                samples++;
                trace.append(held / 10_000 / 100.0).append(' ');
            }
        }, "bench-heap-probe");
        thread.setDaemon(true);
        thread.start();
    }

    static HeapProbe start(long everyMillis) {
        return new HeapProbe(everyMillis);
    }

    /** Stops sampling; answers the peak (bytes, at least 0) and how many samples it took. */
    long[] stop() throws InterruptedException {
        running = false;
        thread.join();
        return new long[] {Math.max(0, peak), samples};
    }

    /** Every sample, in MB, in order. */
    String trace() {
        return trace.toString().trim();
    }

    /** Forces a full collection and answers the heap it left in use. */
    static long usedAfterGc() {
        System.gc();
        GcInfo last = null;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean bean && bean.getLastGcInfo() != null
                    && (last == null || bean.getLastGcInfo().getEndTime() > last.getEndTime())) {
                last = bean.getLastGcInfo();
            }
        }
        if (last == null) {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        long used = 0;
        for (var pool : last.getMemoryUsageAfterGc().entrySet()) {
            if (HEAP_POOLS.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }
}
