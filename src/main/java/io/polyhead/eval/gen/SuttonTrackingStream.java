package io.polyhead.eval.gen;

import java.util.SplittableRandom;

/**
 * The tracking task of Sutton (1992), "Adapting bias by gradient descent: an incremental version of
 * delta-bar-delta" (AAAI), Experiment 1: 20 inputs {@code x_i ~ N(0, 1)}; the target is
 * {@code y = Σ s_i x_i}, where {@code s_i = ±1} for the first five inputs and 0 for the other fifteen;
 * after every 20 examples one of the five, chosen at random, changes sign. The paper's target has no
 * noise; {@code noiseStd} adds {@code N(0, noiseStd²)} to it as an extension.
 *
 * <p>The starting signs are drawn at random. Same seed and noise, same stream. Not thread-safe.
 */
public final class SuttonTrackingStream {
    /** Inputs per example. */
    public static final int INPUTS = 20;
    /** Inputs with a nonzero target weight: the first ones. */
    public static final int RELEVANT = 5;
    /** Examples between sign flips. */
    public static final int FLIP_INTERVAL = 20;

    private final SplittableRandom random;
    private final double noiseStd;
    private final double[] signs = new double[INPUTS];
    private long examples;

    /** The paper's task, without noise. */
    public SuttonTrackingStream(long seed) {
        this(seed, 0.0);
    }

    /** @param noiseStd standard deviation of the noise added to the target; finite, at least 0 */
    public SuttonTrackingStream(long seed, double noiseStd) {
        if (!(noiseStd >= 0) || !Double.isFinite(noiseStd)) {
            throw new IllegalArgumentException("noise standard deviation must be finite and at least 0. Got: " + noiseStd);
        }
        this.random = new SplittableRandom(seed);
        this.noiseStd = noiseStd;
        for (int i = 0; i < RELEVANT; i++) {
            signs[i] = random.nextBoolean() ? 1.0 : -1.0;
        }
    }

    /**
     * Draws the next example: writes its {@link #INPUTS} inputs into {@code x[0 .. 20)} and returns its
     * target.
     */
    public double next(double[] x) {
        if (examples > 0 && examples % FLIP_INTERVAL == 0) {
            int i = random.nextInt(RELEVANT);
            signs[i] = -signs[i];
        }
        examples++;
        double y = 0;
        for (int i = 0; i < INPUTS; i++) {
            x[i] = AbstractGenerator.gaussian(random);
            y += signs[i] * x[i];
        }
        if (noiseStd > 0) {
            y += noiseStd * AbstractGenerator.gaussian(random);
        }
        return y;
    }

    /** The current target weights {@code s}, 20 values. A copy. */
    public double[] targetWeights() {
        return signs.clone();
    }

    /** Examples drawn so far. */
    public long examples() {
        return examples;
    }
}
