package io.polyhead.eval;

import io.polyhead.eval.gen.SuttonTrackingStream;
import io.polyhead.optim.HeadRate;

/**
 * Experiment 1 of Sutton (1992), "Adapting bias by gradient descent: an incremental version of
 * delta-bar-delta": one linear learner on {@link SuttonTrackingStream}, stepped by a {@link HeadRate}
 * with the plain LMS error {@code delta = y − w·x}; the figure is the mean squared error, measured
 * before each step, over the last examples (20,000 to 30,000 in the paper, after the transients).
 *
 * <p>As in the paper the learner has no bias and starts at zero. A {@link HeadRate} always steps a bias
 * slot (input 1) after the {@code n} weights; here that slot is left out of the prediction, so the
 * learner is the paper's. For a fixed rate the slot is inert; for Autostep its step size is one more
 * term of {@code Σ α_i x_i²}, the sum its overshoot bound checks against 1.
 */
public final class TrackingExperiment {
    /** Examples in the paper's run. */
    public static final int EXAMPLES = 30_000;
    /** Examples at the end of the run that the error is measured over. */
    public static final int MEASURED = 10_000;

    private TrackingExperiment() {
    }

    /** The paper's run: {@link #EXAMPLES} examples of the noiseless task, MSE over the last {@link #MEASURED}. */
    public static double run(HeadRate rate, long seed) {
        return run(rate, new SuttonTrackingStream(seed), EXAMPLES, MEASURED);
    }

    /**
     * Runs {@code examples} examples of {@code stream} through a fresh zero learner stepped by {@code rate}.
     *
     * @param rate     the step rule; fresh, owned by this run. Never null.
     * @param measured examples at the end the error is averaged over, 1 to {@code examples}
     * @return the mean of {@code (y − w·x)²} over the last {@code measured} examples, each taken before its step
     */
    public static double run(HeadRate rate, SuttonTrackingStream stream, int examples, int measured) {
        if (measured < 1 || measured > examples) {
            throw new IllegalArgumentException("need 1 <= measured <= examples. Got: " + measured + " of " + examples);
        }
        int n = SuttonTrackingStream.INPUTS;
        double[] w = new double[n + 1];
        double[] x = new double[n];
        double sum = 0;
        for (int t = 0; t < examples; t++) {
            double y = stream.next(x);
            double z = 0;
            for (int i = 0; i < n; i++) {
                z += w[i] * x[i];
            }
            double delta = y - z;
            if (t >= examples - measured) {
                sum += delta * delta;
            }
            rate.update(0, w, 0, x, 0, n, delta);
        }
        return sum / measured;
    }
}
