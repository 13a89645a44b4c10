package io.polyhead.meta;

import java.util.Locale;

/**
 * The first events of a new task, for a head with one output (regression or binary): three candidate
 * starts learn side by side — a zero head, the mean of established heads, and the mean plus a few
 * coordinates in the established heads' principal subspace — and the task's prediction blends them by
 * their prequential losses so far. After {@link #WINDOW} labeled events the best one is kept.
 *
 * <p>Why side by side: a prior can be worse than nothing (tasks whose labels mean opposite things
 * make the mean head wrong for half of them); with the zero head among the candidates, a new task does
 * about as well as the best of the three, never much worse than starting from zero. The weighting is
 * {@code L_k^-4 / Σ L_j^-4} on each candidate's recent loss (an average halving older events' weight
 * at every event: candidates improve at different speeds, and the first events say least) —
 * scale-free, like {@code LossBlend}; an exponential-weights rule on log losses.
 *
 * <p>The zero and mean candidates step with normalised LMS (rate {@link #RATE}). The subspace
 * candidate adapts only its coordinates {@code c} (the head is {@code mean + Σ c_k b_k}) by recursive
 * least squares with the prior {@code c ~ N(0, diag(spread²))} — Bayesian linear regression in a space
 * of 1 to 4 dimensions, so a handful of events fit it exactly.
 */
public final class NewTaskStart {
    /** Labeled events the candidates run side by side. */
    public static final int WINDOW = 20;
    /** Normalised step of every candidate: the fraction of the error one step corrects. */
    static final double RATE = 0.25;
    static final double POWER = 4;

    /** The candidates, in a fixed order. */
    public enum Kind {
        ZERO, MEAN, SUBSPACE;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int inputs;
    private final double[][] weights = new double[3][];
    private final double[][] basis;
    private final double[] mean;
    private final double[] coordinates;
    private final double[][] covariance;
    private final double noiseVariance;
    private final double residualPerDelta;
    private final double[] lossSum = new double[3];
    /** Recent loss of each candidate: an average that halves the weight of older events at each event. */
    private final double[] recentLoss = new double[3];
    static final double RECENT = 0.5;
    private int labeled;

    /**
     * @param inputs head input width (the bias is extra)
     * @param mean   the prior mean head, {@code inputs + 1} weights
     * @param basis  orthonormal directions (rows of {@code inputs + 1}); may be empty
     * @param spread standard deviation of the established heads along each direction
     * @param residualPerDelta turns the loss's {@code −∂loss/∂z} into a residual: ½ for squared loss
     *               ({@code δ = 2(y − z)}), 1 for log loss ({@code δ = y − p})
     */
    public NewTaskStart(int inputs, double[] mean, double[][] basis, double[] spread, double residualPerDelta) {
        this.inputs = inputs;
        this.mean = mean.clone();
        this.basis = basis;
        this.coordinates = new double[basis.length];
        this.residualPerDelta = residualPerDelta;
        int r = basis.length;
        this.covariance = new double[r][r];
        double top = r == 0 ? 1 : spread[0] * spread[0];
        for (int k = 0; k < r; k++) {
            covariance[k][k] = spread[k] * spread[k];
        }
        // The noise is taken as 10% of the largest spread's variance (the best of 0.1%..100% on sinusoid).
        this.noiseVariance = 0.1 * top;
        weights[Kind.ZERO.ordinal()] = new double[inputs + 1];
        weights[Kind.MEAN.ordinal()] = mean.clone();
        weights[Kind.SUBSPACE.ordinal()] = mean.clone();
    }

    /** Whether the candidates still run (fewer than {@link #WINDOW} labels so far). */
    public boolean active() {
        return labeled < WINDOW;
    }

    /** Each candidate's output for input {@code x[off .. off+inputs)}, into {@code out[0..3)}. */
    public void outputs(double[] x, int off, double[] out) {
        for (int k = 0; k < 3; k++) {
            double[] w = weights[k];
            double s = w[inputs];
            for (int j = 0; j < inputs; j++) {
                s += w[j] * x[off + j];
            }
            out[k] = s;
        }
    }

    /**
     * Prior weights of zero, mean and subspace: the subspace start, which has learned the most from
     * other tasks and adapts fastest, leads until the losses say otherwise.
     */
    static final double[] PRIOR = {1, 1, 16};

    /** The blend weights of the candidates now, into {@code out[0..3)}: the prior before any label. */
    public void blendWeights(double[] out) {
        double total = 0;
        for (int k = 0; k < 3; k++) {
            double prior = k == Kind.SUBSPACE.ordinal() && basis.length == 0 ? 1 : PRIOR[k];
            out[k] = prior * (labeled == 0 ? 1 : Math.pow(recentLoss[k] + 1e-12, -POWER));
            total += out[k];
        }
        for (int k = 0; k < 3; k++) {
            out[k] = Double.isFinite(total) && total > 0 ? out[k] / total : (k == best() ? 1 : 0);
        }
    }

    /**
     * Learns one labeled event: {@code losses[k]} is candidate k's prequential loss on it and
     * {@code deltas[k]} its {@code −∂loss/∂z}.
     */
    public void learn(double[] x, int off, double[] losses, double[] deltas) {
        labeled++;
        // The first event says nothing about the candidates' learning: all three start level on it.
        double first = (losses[0] + losses[1] + losses[2]) / 3;
        for (int k = 0; k < 3; k++) {
            recentLoss[k] = labeled == 1 ? first : recentLoss[k] + RECENT * (losses[k] - recentLoss[k]);
        }
        double norm = 1;
        for (int j = 0; j < inputs; j++) {
            norm += x[off + j] * x[off + j];
        }
        for (int k = 0; k < 2; k++) {
            lossSum[k] += losses[k];
            double step = RATE * deltas[k] / norm;
            double[] w = weights[k];
            for (int j = 0; j < inputs; j++) {
                w[j] += step * x[off + j];
            }
            w[inputs] += step;
        }
        int s = Kind.SUBSPACE.ordinal();
        lossSum[s] += losses[s];
        int r = basis.length;
        if (r > 0) {
            // Recursive least squares on the projected input p_k = b_k · [x, 1].
            double[] p = new double[r];
            for (int k = 0; k < r; k++) {
                double v = basis[k][inputs];
                for (int j = 0; j < inputs; j++) {
                    v += basis[k][j] * x[off + j];
                }
                p[k] = v;
            }
            double[] pp = new double[r];
            double denominator = noiseVariance;
            for (int a = 0; a < r; a++) {
                for (int b = 0; b < r; b++) {
                    pp[a] += covariance[a][b] * p[b];
                }
                denominator += p[a] * pp[a];
            }
            double residual = residualPerDelta * deltas[s];
            double[] w = weights[s];
            for (int k = 0; k < r; k++) {
                double gain = pp[k] / denominator;
                double dc = gain * residual;
                coordinates[k] += dc;
                for (int j = 0; j <= inputs; j++) {
                    w[j] += dc * basis[k][j];
                }
            }
            for (int a = 0; a < r; a++) {
                for (int b = 0; b < r; b++) {
                    covariance[a][b] -= pp[a] * pp[b] / denominator;
                }
            }
        }
    }

    /** The candidate with the lowest recent loss (ties: the earlier kind). */
    public int best() {
        int best = 0;
        for (int k = 1; k < 3; k++) {
            if (recentLoss[k] < recentLoss[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * The candidate the blend trusts most now (the prior favours the subspace start before the losses
     * speak): what a task saved while still choosing continues from.
     */
    public double[] mostTrusted() {
        double[] w = new double[3];
        blendWeights(w);
        int k = 0;
        for (int c = 1; c < 3; c++) {
            if (w[c] > w[k]) {
                k = c;
            }
        }
        return weights[k].clone();
    }

    /** The weights of the best candidate (a copy), {@code inputs + 1}. */
    public double[] winner() {
        return weights[best()].clone();
    }

    /** Rank of the subspace candidate. */
    public int rank() {
        return basis.length;
    }

    /** Mean loss so far of candidate {@code kind}. */
    public double meanLoss(Kind kind) {
        return labeled == 0 ? Double.NaN : lossSum[kind.ordinal()] / labeled;
    }

    double[] meanHead() {
        return mean;
    }
}
