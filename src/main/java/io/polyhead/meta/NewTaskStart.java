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
 * about as well as the best of the three, never much worse than starting from zero. The weights are
 * exponential weights on the candidates' summed prequential losses, {@code π_k exp(−η L_k)}: for log
 * loss with {@code η = 1} that is Bayesian model averaging, whose total log loss exceeds the best
 * candidate's by at most {@code ln(1/π_best)}; for squared loss {@code η} is 1 over the best
 * candidate's mean loss so far (a Gaussian likelihood with that variance), so the weights do not
 * depend on the label's scale. The prior weights {@code π} are learned across tasks
 * ({@link #priorWeights}). Measured against the earlier rule (weights {@code (1, 1, 16) · L^-4} on a
 * fast-forgetting recent loss) in new tasks' first 10 events ({@code polyhead bench meta}): sinusoid
 * 1.01 -> 1.06 (zero head 4.86), binary tasks whose signs disagree 0.76 -> 0.63 (zero head 0.69).
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

    /** The candidates, in a fixed order. */
    public enum Kind {
        ZERO, MEAN, SUBSPACE;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int inputs;
    private final double[] prior;
    private final double[][] weights = new double[3][];
    private final double[][] basis;
    private final double[] mean;
    private final double[] coordinates;
    private final double[][] covariance;
    private final double noiseVariance;
    private final double residualPerDelta;
    private final boolean logLoss;
    private final double[] lossSum = new double[3];
    private int labeled;

    /**
     * @param inputs head input width (the bias is extra)
     * @param mean   the prior mean head, {@code inputs + 1} weights
     * @param basis  orthonormal directions (rows of {@code inputs + 1}); may be empty
     * @param spread standard deviation of the established heads along each direction
     * @param logLoss whether the head's loss is log loss ({@code δ = y − p}, a binary head) rather than
     *               squared loss ({@code δ = 2(y − z)}, a regression head)
     * @param prior  weights of zero, mean and subspace before any label ({@link #priorWeights})
     */
    public NewTaskStart(int inputs, double[] mean, double[][] basis, double[] spread, boolean logLoss,
                        double[] prior) {
        if (prior.length != 3 || !(prior[0] >= 0 && prior[1] >= 0 && prior[2] >= 0) || !(prior[0] + prior[1] + prior[2] > 0)) {
            throw new IllegalArgumentException("need three non-negative prior weights, not all 0. Got: "
                    + java.util.Arrays.toString(prior));
        }
        this.prior = prior.clone();
        this.inputs = inputs;
        this.mean = mean.clone();
        this.basis = basis;
        this.coordinates = new double[basis.length];
        this.logLoss = logLoss;
        // Turns −∂loss/∂z into the residual y − z the least squares fit needs.
        this.residualPerDelta = logLoss ? 1.0 : 0.5;
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

    /** Most earlier tasks whose evidence {@link #priorWeights} multiplies. */
    static final int EVIDENCE_TASKS = 16;

    /**
     * The prior weights of zero, mean and subspace for a new task, learned from how the candidates did
     * on earlier new tasks of the same head kind: {@code π_k = Π_i (L_ik / L_i,zero)^-1} over up to
     * {@value #EVIDENCE_TASKS} earlier tasks {@code i}, where {@code L_ik} is candidate k's mean loss over
     * task i's window — each earlier task a likelihood ratio, as in Bayesian model averaging. Before any
     * evidence the three are equal. Measured: with a fixed prior of 16 on the subspace start, a stream of
     * binary tasks whose labels disagree lost 10% in new tasks' first 10 events against a zero head
     * (lowrank binary, `polyhead bench meta`); learned, the prior follows whichever start has been winning.
     *
     * @param windowLosses mean window losses of earlier tasks, each {zero, mean, subspace}, most recent last;
     *                     entries with a zero or non-finite loss are skipped
     * @return three weights summing to 1
     */
    public static double[] priorWeights(java.util.List<double[]> windowLosses) {
        double[] logRatio = new double[3];
        int used = 0;
        for (int i = windowLosses.size() - 1; i >= 0 && used < EVIDENCE_TASKS; i--) {
            double[] l = windowLosses.get(i);
            if (!(l[0] > 0 && l[1] > 0 && l[2] > 0) || !Double.isFinite(l[0] + l[1] + l[2])) {
                continue;
            }
            for (int k = 0; k < 3; k++) {
                logRatio[k] += Math.log(l[k] / l[0]);
            }
            used++;
        }
        double min = Math.min(logRatio[0], Math.min(logRatio[1], logRatio[2]));
        double[] w = new double[3];
        double total = 0;
        for (int k = 0; k < 3; k++) {
            w[k] = Math.exp(-(logRatio[k] - min));
            total += w[k];
        }
        for (int k = 0; k < 3; k++) {
            w[k] /= total;
        }
        return w;
    }

    /** The blend weights of the candidates now, into {@code out[0..3)}: the prior before any label. */
    public void blendWeights(double[] out) {
        double minSum = Math.min(lossSum[0], Math.min(lossSum[1], lossSum[2]));
        double eta = labeled == 0 ? 0 : logLoss ? 1.0 : labeled / Math.max(Double.MIN_NORMAL, minSum);
        double total = 0;
        for (int k = 0; k < 3; k++) {
            out[k] = prior[k] * Math.exp(-eta * (lossSum[k] - minSum));
            total += out[k];
        }
        for (int k = 0; k < 3; k++) {
            out[k] = Double.isFinite(total) && total > 0 ? out[k] / total : (k == lowestLoss() ? 1 : 0);
        }
    }

    /**
     * Learns one labeled event: {@code losses[k]} is candidate k's prequential loss on it and
     * {@code deltas[k]} its {@code −∂loss/∂z}.
     */
    public void learn(double[] x, int off, double[] losses, double[] deltas) {
        labeled++;
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

    private int lowestLoss() {
        int best = 0;
        for (int k = 1; k < 3; k++) {
            if (lossSum[k] < lossSum[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * The candidate the blend trusts most now (ties: the earlier kind): the one kept when the window
     * ends, and what a task saved while still choosing continues from.
     */
    public int best() {
        double[] w = new double[3];
        blendWeights(w);
        int k = 0;
        for (int c = 1; c < 3; c++) {
            if (w[c] > w[k]) {
                k = c;
            }
        }
        return k;
    }

    /** The weights of the {@link #best} candidate (a copy), {@code inputs + 1}. */
    public double[] winner() {
        return weights[best()].clone();
    }

    /** The mean loss of each candidate over the labels so far: zero, mean, subspace. */
    public double[] meanLosses() {
        double[] l = new double[3];
        for (Kind k : Kind.values()) {
            l[k.ordinal()] = meanLoss(k);
        }
        return l;
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
