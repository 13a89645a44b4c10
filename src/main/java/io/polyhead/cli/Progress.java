package io.polyhead.cli;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Prints a progress line on standard error at most every {@code intervalMs} while long work runs,
 * so a user sees it moving; silent for work shorter than one interval.
 */
final class Progress {
    private final PrintStream err;
    private final long intervalMs;
    private final long start = System.nanoTime();
    private long lastPrint = System.nanoTime();
    private boolean printed;

    Progress(PrintStream err, long intervalMs) {
        this.err = err;
        this.intervalMs = intervalMs;
    }

    /** Call often; prints {@code line.get()} when an interval has passed. Cheap otherwise. */
    void tick(Supplier<String> line) {
        long now = System.nanoTime();
        if ((now - lastPrint) / 1_000_000 >= intervalMs) {
            lastPrint = now;
            printed = true;
            err.printf("[%5.1fs] %s%n", (now - start) / 1e9, line.get());
        }
    }

    /** Seconds since this progress started. */
    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    boolean printedAny() {
        return printed;
    }
}
