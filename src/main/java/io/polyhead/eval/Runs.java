package io.polyhead.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Independent runs of the benchmarks on every core at once: each run is one learner on one thread, seeded,
 * so the figures are those of running them one after the other, in the order given (the same output, checked).
 * One run keeps about 1.5 cores busy (the learner's thread, the JIT and the collector), not two: measured on the
 * development machine (2 cores, 2026-12-03), {@code polyhead bench meta} took 238 s one run at a time and 146 s
 * so, {@code bench real --grid} 104 s so.
 */
public final class Runs {
    /**
     * The system property that sets how many runs go at once (default: the cores). The unit tests set 1: they
     * already run in one JVM per core, and {@code MetaLearningTest} took 172 s with its runs two at a time beside
     * the other JVM against about 120 s one at a time.
     */
    public static final String THREADS_PROPERTY = "polyhead.runs.threads";

    private Runs() {
    }

    /** The results of {@code runs}, in their order; a run that throws fails the whole (its exception, unwrapped). */
    public static <T> List<T> all(List<Supplier<T>> runs) {
        int threads = Math.max(1, Math.min(runs.size(), Integer.getInteger(THREADS_PROPERTY,
                Runtime.getRuntime().availableProcessors())));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "polyhead-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Supplier<T> run : runs) {
                futures.add(pool.submit(run::get));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
