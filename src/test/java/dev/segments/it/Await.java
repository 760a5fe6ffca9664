package dev.segments.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition every 50 ms; on timeout fails with what was awaited and the app's log tail. */
final class Await {

    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "\n" + context.get());
            }
            AppProcess.sleep(50);
        }
    }
}
