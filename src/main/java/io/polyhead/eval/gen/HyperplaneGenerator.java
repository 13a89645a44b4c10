package io.polyhead.eval.gen;

import io.polyhead.event.TaskType;

/**
 * Rotating hyperplanes per task, after MOA's {@code HyperplaneGenerator} (Hulten, Spencer and
 * Domingos 2001, "Mining time-changing data streams"): task {@code t} has weights
 * {@code w ~ U[0,1]^d}; {@code x ~ U[0,1]^d}; label 1 iff {@code Σ w_i x_i ≥ Σ w_i / 2}. After each
 * event of the task, its first two weights move by {@code drift} in their direction, and a direction
 * reverses with probability 0.1, so each task's concept drifts on its own. Labels flip with
 * probability {@code noise} (default 0.05). Binary; default dimension 10.
 */
public final class HyperplaneGenerator extends AbstractGenerator {
    static final int DRIFTING_FEATURES = 2;
    static final double REVERSAL_PROBABILITY = 0.1;

    private final int dim;
    private final double[][] weights;
    private final double[][] direction;
    private final double drift;
    private final double noise;

    public HyperplaneGenerator(GeneratorOptions options) {
        super(options, "hyperplane", TaskType.BINARY, options.dimOr(10));
        this.dim = options.dimOr(10);
        this.drift = options.drift();
        if (!(drift >= 0) || !Double.isFinite(drift)) {
            throw new IllegalArgumentException("--drift must be 0 or positive. Got: " + drift);
        }
        this.noise = options.noiseOr(0.05);
        if (noise > 1) {
            throw new IllegalArgumentException("hyperplane --noise is a flip probability in [0, 1]. Got: " + noise);
        }
        weights = new double[options.tasks()][dim];
        direction = new double[options.tasks()][DRIFTING_FEATURES];
        for (int t = 0; t < options.tasks(); t++) {
            for (int j = 0; j < dim; j++) {
                weights[t][j] = params.nextDouble();
            }
            for (int k = 0; k < DRIFTING_FEATURES; k++) {
                direction[t][k] = 1;
            }
        }
    }

    @Override
    double draw(int task, float[] x) {
        double[] w = weights[task];
        double s = 0;
        double total = 0;
        for (int j = 0; j < dim; j++) {
            x[j] = (float) random.nextDouble();
            s += w[j] * x[j];
            total += w[j];
        }
        double label = s >= total / 2 ? 1 : 0;
        if (random.nextDouble() < noise) {
            label = 1 - label;
        }
        for (int k = 0; k < Math.min(DRIFTING_FEATURES, dim); k++) {
            w[k] += direction[task][k] * drift;
            if (random.nextDouble() < REVERSAL_PROBABILITY) {
                direction[task][k] = -direction[task][k];
            }
        }
        return label;
    }

    /** Task {@code t}'s current weights (a copy). */
    public double[] weights(int t) {
        return weights[t].clone();
    }
}
