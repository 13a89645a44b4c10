package io.polyhead.eval;

import io.polyhead.model.LearnerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How much the starting head rate matters: a stream's overall prequential loss for each starting
 * {@code --head-lr} of {@link #STARTS} with the meta-learner on, against the same rates fixed with it
 * off. The meta-learner's head rates are robust when its worst start is within a few percent of the
 * best fixed rate. {@code polyhead bench meta} prints these rows; {@code MetaLearningTest} asserts them.
 */
public final class HeadRateRobustness {
    public static final double[] STARTS = {0.01, 0.05, 0.2, 0.5, 1};

    private HeadRateRobustness() {
    }

    /**
     * One stream's figures.
     *
     * @param on  overall loss with the meta-learner, one per start
     * @param off overall loss at each rate fixed, meta-learner off
     */
    public record Row(String stream, double[] on, double[] off) {
        /** The worst start with the meta-learner over the best fixed rate (NaN counts as infinitely bad). */
        public double worstOverBestFixed() {
            double worst = Arrays.stream(on).map(v -> Double.isNaN(v) ? Double.POSITIVE_INFINITY : v).max().orElseThrow();
            double best = Arrays.stream(off).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
            return worst / best;
        }

        @Override
        public String toString() {
            return stream + ": meta on " + Arrays.toString(on) + ", off " + Arrays.toString(off);
        }
    }

    /**
     * Measures one stream, its runs on every core ({@link Runs#all}): {@code run} evaluates a fresh learner of
     * the given configuration over it, and may be called from several threads at once.
     */
    public static Row measure(String stream, Function<LearnerConfig, PrequentialRun> run) {
        List<Supplier<Double>> runs = new ArrayList<>();
        for (double start : STARTS) {
            LearnerConfig c = LearnerConfig.defaults().toBuilder().headRate(start).build();
            runs.add(() -> run.apply(c).metrics().meanLoss());
            runs.add(() -> run.apply(c.toBuilder().meta(false).build()).metrics().meanLoss());
        }
        List<Double> losses = Runs.all(runs);
        double[] on = new double[STARTS.length];
        double[] off = new double[STARTS.length];
        for (int i = 0; i < STARTS.length; i++) {
            on[i] = losses.get(2 * i);
            off[i] = losses.get(2 * i + 1);
        }
        return new Row(stream, on, off);
    }
}
