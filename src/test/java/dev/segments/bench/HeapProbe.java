package dev.segments.bench;

import java.lang.management.ManagementFactory;

/**
 * The most heap this JVM keeps reachable while something runs, over what it kept before: a thread
 * forces a full collection every {@code everyMillis} and reads the heap used right after it, so only
 * live objects count (allocation and garbage do not). The export worker runs in this JVM (the
 * benchmark is a {@code @QuarkusTest}), so what an export holds shows here; the collections slow the
 * run, which is why the timed runs are separate.
 */
final class HeapProbe {

    private final Thread thread;
    private final long before;
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
                peak = Math.max(peak, usedAfterGc() - before);
                samples++;
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

    private static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
