package io.polyhead.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Times the learner alone on events already parsed and in memory: what the core costs per event,
 * apart from JSON and Kafka.
 */
public final class CoreBench {
    private CoreBench() {
    }

    /** Events per second and mean prequential loss of one timed pass. */
    public record Result(String name, int batchSize, int events, double seconds, double meanLoss,
                         double secondHalfLoss) {
        public double eventsPerSecond() {
            return events / seconds;
        }

        public double microsPerEvent() {
            return seconds * 1e6 / events;
        }
    }

    /** Runs a fresh learner of {@code config} over {@code events} and times it (admission included). */
    public static Result run(String name, LearnerConfig config, List<Event> events) {
        return run(name, config, events, false);
    }

    /**
     * As {@link #run(String, LearnerConfig, List)}; with {@code metrics}, every batch also goes through a
     * {@link LearningWatch} registered in a Prometheus registry, as in the stream layer, and a scrape is
     * taken every second (the cost a scraped instance pays).
     */
    public static Result run(String name, LearnerConfig config, List<Event> events, boolean metrics) {
        ReplicaGroup group = new ReplicaGroup();
        MultiTaskLearner learner = new MultiTaskLearner(config, group);
        PrometheusMeterRegistry registry = metrics ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        LearningWatch watch = metrics ? new LearningWatch(group, LearningWatch.DEFAULT_TOP_TASKS).bindTo(registry) : null;
        long lastScrape = System.nanoTime();
        int bs = config.batchSize();
        List<Event> batch = new ArrayList<>(bs);
        double[] losses = new double[events.size()];
        int k = 0;
        long t0 = System.nanoTime();
        for (Event e : events) {
            io.polyhead.event.Rejection reason = learner.admit(e);
            if (reason != null) {
                throw new IllegalStateException("benchmark event rejected: " + reason);
            }
            batch.add(e);
            if (batch.size() == bs) {
                k = learn(learner, batch, watch, losses, k);
                batch.clear();
                if (metrics && System.nanoTime() - lastScrape > 1_000_000_000L) {
                    watch.refresh();
                    registry.scrape();
                    lastScrape = System.nanoTime();
                }
            }
        }
        k = learn(learner, batch, watch, losses, k);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(name, bs, events.size(), seconds, mean(losses, 0, k), mean(losses, k / 2, k));
    }

    private static int learn(MultiTaskLearner learner, List<Event> batch, LearningWatch watch, double[] losses, int k) {
        long t0 = System.nanoTime();
        List<Prediction> out = learner.learn(batch);
        if (watch != null) {
            watch.batch("0_0", batch, out, learner, System.nanoTime() - t0);
        }
        for (Prediction p : out) {
            losses[k++] = p.loss() == null ? Double.NaN : p.loss();
        }
        return k;
    }

    static double mean(double[] a, int from, int to) {
        double s = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(a[i])) {
                s += a[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
