package io.polyhead.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Benchmark runs at once: results in the runs' order whichever ends first, and a failing run's own exception. */
class RunsTest {
    @Test
    void resultsComeInTheRunsOrder() {
        CountDownLatch secondDone = new CountDownLatch(1);
        List<Supplier<String>> runs = new ArrayList<>();
        runs.add(() -> {
            try {
                // With two threads the first run ends after the second; with one, it does not wait long.
                secondDone.await(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "first";
        });
        runs.add(() -> {
            secondDone.countDown();
            return "second";
        });
        for (int k = 3; k <= 10; k++) {
            String name = "run " + k;
            runs.add(() -> name);
        }
        List<String> results = Runs.all(runs);
        assertEquals(10, results.size());
        assertEquals("first", results.get(0));
        assertEquals("second", results.get(1));
        assertEquals("run 10", results.get(9));
        assertEquals(List.of(), Runs.all(List.<Supplier<String>>of()));
    }

    @Test
    void aFailingRunFailsTheWholeWithItsOwnException() {
        IllegalArgumentException bad = new IllegalArgumentException("bad rate");
        List<Supplier<Integer>> runs = List.of(() -> 1, () -> {
            throw bad;
        }, () -> 3);
        assertSame(bad, assertThrows(IllegalArgumentException.class, () -> Runs.all(runs)));
    }
}
