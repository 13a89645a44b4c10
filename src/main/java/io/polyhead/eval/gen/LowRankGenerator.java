package io.polyhead.eval.gen;

import io.polyhead.event.TaskType;

/**
 * Related tasks: every task reads the same {@code r} directions of the input. A fixed
 * {@code U ∈ R^{d×r}} (Gaussian) gives {@code z = Uᵀx}, scaled to unit variance, and task {@code t}
 * with its own {@code c_t ~ N(0, I_r)} is {@code y = 2 c_t · tanh(z) / √r + ε} (regression, ε with
 * standard deviation {@code noise}, default 0.1) or {@code y = 1[c_t · tanh(z) + ε > 0]} (binary).
 * So the tasks' weights share a rank-r subspace and a nonlinearity a shared trunk can learn once; a
 * per-task linear model cannot. The rank is the relatedness knob: {@code rank = dim} makes the
 * shared part as large as the input.
 */
public final class LowRankGenerator extends AbstractGenerator {
    private final int dim;
    private final int rank;
    private final double[][] basis;
    private final double[][] coefficients;
    private final TaskType kind;
    private final double noise;

    public LowRankGenerator(GeneratorOptions options) {
        super(options, "lowrank", options.kind(), options.dimOr(64));
        this.dim = options.dimOr(64);
        this.rank = options.rank();
        if (rank < 1 || rank > dim) {
            throw new IllegalArgumentException("--rank must be between 1 and --dim (" + dim + "). Got: " + rank);
        }
        this.kind = options.kind();
        this.noise = options.noiseOr(0.1);
        basis = new double[rank][dim];
        for (int k = 0; k < rank; k++) {
            for (int j = 0; j < dim; j++) {
                // variance 1/d per entry makes each z_k ~ N(0, 1) for x ~ N(0, I)
                basis[k][j] = gaussian(params) / Math.sqrt(dim);
            }
        }
        coefficients = new double[options.tasks()][rank];
        for (double[] c : coefficients) {
            for (int k = 0; k < rank; k++) {
                c[k] = gaussian(params);
            }
        }
    }

    @Override
    double draw(int task, float[] x) {
        for (int j = 0; j < dim; j++) {
            x[j] = (float) gaussian();
        }
        double s = 0;
        for (int k = 0; k < rank; k++) {
            double z = 0;
            for (int j = 0; j < dim; j++) {
                z += basis[k][j] * x[j];
            }
            s += coefficients[task][k] * Math.tanh(z);
        }
        double eps = noise * gaussian();
        if (kind == TaskType.BINARY) {
            return s + eps > 0 ? 1 : 0;
        }
        return 2 * s / Math.sqrt(rank) + eps;
    }

    /** Task {@code t}'s coordinates in the shared subspace (a copy). */
    public double[] coefficients(int t) {
        return coefficients[t].clone();
    }

    /** The shared directions, {@code rank × dim} (a copy). */
    public double[][] basis() {
        double[][] b = new double[rank][];
        for (int k = 0; k < rank; k++) {
            b[k] = basis[k].clone();
        }
        return b;
    }
}
