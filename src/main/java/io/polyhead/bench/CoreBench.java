package io.polyhead.bench;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
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
        MultiTaskLearner learner = new MultiTaskLearner(config);
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
                for (Prediction p : learner.learn(batch)) {
                    losses[k++] = p.loss() == null ? Double.NaN : p.loss();
                }
                batch.clear();
            }
        }
        for (Prediction p : learner.learn(batch)) {
            losses[k++] = p.loss() == null ? Double.NaN : p.loss();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(name, bs, events.size(), seconds, mean(losses, 0, k), mean(losses, k / 2, k));
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
