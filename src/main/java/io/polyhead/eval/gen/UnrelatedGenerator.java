package io.polyhead.eval.gen;

import io.polyhead.event.TaskType;

/**
 * Unrelated tasks: each task has its own weights {@code w_t ~ N(0, I/d)}, nothing in common;
 * {@code x ~ N(0, I)}, {@code y = w_t · x + ε} (regression, noise default 0.1) or
 * {@code y = 1[w_t · x + ε > 0]} (binary, whose tasks' labels disagree with each other). Here sharing
 * has nothing to offer and should cost nothing.
 */
public final class UnrelatedGenerator extends AbstractGenerator {
    private final int dim;
    private final double[][] weights;
    private final TaskType kind;
    private final double noise;

    public UnrelatedGenerator(GeneratorOptions options) {
        super(options, "unrelated", options.kind(), options.dimOr(64));
        this.dim = options.dimOr(64);
        this.kind = options.kind();
        this.noise = options.noiseOr(0.1);
        weights = new double[options.tasks()][dim];
        for (double[] w : weights) {
            for (int j = 0; j < dim; j++) {
                w[j] = gaussian(params) / Math.sqrt(dim);
            }
        }
    }

    @Override
    double draw(int task, float[] x) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
            x[j] = (float) gaussian();
            s += weights[task][j] * x[j];
        }
        double y = s + noise * gaussian();
        return kind == TaskType.BINARY ? (y > 0 ? 1 : 0) : y;
    }

    /** Task {@code t}'s weights (a copy). */
    public double[] weights(int t) {
        return weights[t].clone();
    }
}
