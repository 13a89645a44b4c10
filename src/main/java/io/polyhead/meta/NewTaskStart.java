package io.polyhead.meta;

import io.polyhead.optim.FixedRate;
import io.polyhead.optim.NormalizedRate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The first events of a new task, for a head with one output (regression or binary): candidate heads
 * learn side by side and the task's prediction blends them by their prequential losses so far; after
 * {@link #WINDOW} labeled events the one the blend trusts most is kept. The candidates are a start and
 * a learning rate each: a zero head and the mean of established heads, each at the normalised rates
 * {@link #RATES}, and the mean plus a few coordinates in the established heads' principal subspace.
 *
 * <p>Why side by side: a prior can be worse than nothing (tasks whose labels mean opposite things
 * make the mean head wrong for half of them); with the zero head among the candidates, a new task does
 * about as well as the best candidate, never much worse than starting from zero. The same holds for
 * the rate: which rate fits a new task's first events depends on the stream (noise, how good the
 * start is), so it is chosen the same way. The weights are exponential weights on the candidates'
 * summed prequential losses, {@code π_k exp(−η L_k)}: for log loss with {@code η = 1} that is Bayesian
 * model averaging, whose total log loss exceeds the best candidate's by at most {@code ln(1/π_best)};
 * for squared loss {@code η} is 1 over the best candidate's mean loss so far (a Gaussian likelihood
 * with that variance), so the weights do not depend on the label's scale. The prior weights {@code π}
 * are learned across tasks ({@link #priorWeights}).
 *
 * <p>Measured in new tasks' first 10 events ({@code polyhead bench meta}) against the first version (three
 * starts at one rate 0.25, weights {@code (1, 1, 16) · L^-4} on a fast-forgetting recent loss): on
 * binary tasks whose signs disagree that version lost to a zero head (0.76 vs 0.69); Bayesian weights
 * with learned priors gave 0.63, and with the rate chosen as well 0.61 (now 0.63, since priors wait for
 * enough established heads; see {@code MultiTaskLearner}).
 *
 * <p>The zero and mean candidates step with normalised LMS at their rate. The subspace candidate adapts
 * only its coordinates {@code c} (the head is {@code mean + Σ c_k b_k}) by recursive least squares
 * with the prior {@code c ~ N(0, diag(spread²))} — Bayesian linear regression in a space of 1 to 4
 * dimensions, so a handful of events fit it exactly.
 */
public final class NewTaskStart {
    /** Labeled events the candidates run side by side. */
    public static final int WINDOW = 20;
    /**
     * The normalised rates of the zero and mean candidates: the fraction of the error {@code y − z}
     * (regression) or {@code y − p} (binary) one step corrects. Measured on sinusoid, lowrank and lowrank
     * binary new tasks: with rates applied to {@code δ} instead (twice the error for squared loss), a
     * rate of 1 overshot every step and regression candidates at it diverged.
     * Stored heads name their kept candidate by its index (zero at each rate, mean at each rate,
     * subspace): changing these rates or their order changes what stored indices mean, and needs a new
     * entry format in {@code ModelCodec}.
     */
    static final double[] RATES = {0.1, 0.5, 1.0};
    /** Zero at each rate, mean at each rate, subspace. */
    public static final int CANDIDATES = 2 * RATES.length + 1;
    /** Most earlier tasks whose evidence {@link #priorWeights} multiplies. */
    static final int EVIDENCE_TASKS = 16;
    /**
     * The subspace start's prior weight before any evidence; the other starts share the rest evenly.
     * Measured with new tasks' first-10 loss (sinusoid / lowrank / lowrank binary; with the candidates'
     * first rates 0.05 / 0.25 / 1 of δ): a third each for zero, mean and subspace 1.060 / 0.580 / 0.604;
     * half for the subspace 1.039 / 0.542 / 0.608; 0.85 for it 1.001 / 0.540 / 0.642.
     */
    static final double SUBSPACE_PRIOR = 0.5;

    /** Where a candidate starts. */
    public enum Kind {
        ZERO, MEAN, SUBSPACE;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int inputs;
    private final double[] prior;
    private final double[][] weights = new double[CANDIDATES][];
    private final double[][] basis;
    private final double[] coordinates;
    private final double[][] covariance;
    private final double noiseVariance;
    private final double residualPerDelta;
    private final boolean logLoss;
    private final double[] lossSum = new double[CANDIDATES];
    private int labeled;

    /**
     * @param inputs  head input width (the bias is extra)
     * @param mean    the prior mean head, {@code inputs + 1} weights
     * @param basis   orthonormal directions (rows of {@code inputs + 1}); may be empty
     * @param spread  standard deviation of the established heads along each direction
     * @param logLoss whether the head's loss is log loss ({@code δ = y − p}, a binary head) rather than
     *                squared loss ({@code δ = 2(y − z)}, a regression head)
     * @param prior   weights of the {@link #CANDIDATES} candidates before any label ({@link #priorWeights})
     */
    public NewTaskStart(int inputs, double[] mean, double[][] basis, double[] spread, boolean logLoss,
                        double[] prior) {
        if (prior.length != CANDIDATES || Arrays.stream(prior).anyMatch(p -> !(p >= 0))
                || !(Arrays.stream(prior).sum() > 0)) {
            throw new IllegalArgumentException("need " + CANDIDATES + " non-negative prior weights, not all 0. Got: "
                    + Arrays.toString(prior));
        }
        this.prior = prior.clone();
        this.inputs = inputs;
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
        for (int c = 0; c < CANDIDATES; c++) {
            weights[c] = kindOf(c) == Kind.ZERO ? new double[inputs + 1] : mean.clone();
        }
    }

    /** Where candidate {@code c} started. */
    public static Kind kindOf(int c) {
        return c < RATES.length ? Kind.ZERO : c < 2 * RATES.length ? Kind.MEAN : Kind.SUBSPACE;
    }

    /** Candidate {@code c}'s normalised rate; NaN for the subspace candidate (least squares, no rate). */
    public static double rateOf(int c) {
        return c < 2 * RATES.length ? RATES[c % RATES.length] : Double.NaN;
    }

    /** How reports name candidate {@code c}: {@code zero@0.5}, {@code mean@1.0}, {@code subspace}. */
    public static String nameOf(int c) {
        return kindOf(c) == Kind.SUBSPACE ? "subspace" : kindOf(c).jsonName() + "@" + rateOf(c);
    }

    /**
     * The candidate a start kept by snapshot format 2 becomes: that format ran one rate, 0.25 of {@code δ},
     * which for a regression head is 0.5 of the error, the middle rate here.
     */
    public static int format2Candidate(Kind kind) {
        return candidate(kind, RATES[1]);
    }

    /** The candidate of this kind and rate; for the subspace the rate is ignored. */
    public static int candidate(Kind kind, double rate) {
        if (kind == Kind.SUBSPACE) {
            return CANDIDATES - 1;
        }
        for (int i = 0; i < RATES.length; i++) {
            if (RATES[i] == rate) {
                return (kind == Kind.ZERO ? 0 : RATES.length) + i;
            }
        }
        throw new IllegalArgumentException("no " + kind.jsonName() + " candidate at rate " + rate);
    }

    /** Whether the candidates still run (fewer than {@link #WINDOW} labels so far). */
    public boolean active() {
        return labeled < WINDOW;
    }

    /** Each candidate's output for input {@code x[off .. off+inputs)}, into {@code out[0 .. CANDIDATES)}. */
    public void outputs(double[] x, int off, double[] out) {
        for (int c = 0; c < CANDIDATES; c++) {
            double[] w = weights[c];
            double s = w[inputs];
            for (int j = 0; j < inputs; j++) {
                s += w[j] * x[off + j];
            }
            out[c] = s;
        }
    }

    /**
     * The prior weights of the candidates for a new task, learned from how they did on earlier new tasks
     * of the same head kind: {@code π_c ∝ base_c · Π_i L_ic^-1} over up to {@value #EVIDENCE_TASKS}
     * earlier tasks {@code i}, where {@code L_ic} is candidate c's mean loss over task i's window — each
     * earlier task a likelihood, as in Bayesian model averaging. The base gives the subspace start
     * {@value #SUBSPACE_PRIOR} and splits the rest evenly among the other candidates; it is the prior while
     * there is no evidence. Learned this way, the prior of
     * both the start and the rate follows whichever has been winning on this stream.
     *
     * @param windowLosses mean window losses of earlier tasks, {@link #CANDIDATES} each, most recent last;
     *                     entries of another length or with a loss that is not positive and finite are skipped
     * @return {@link #CANDIDATES} weights summing to 1
     */
    public static double[] priorWeights(List<double[]> windowLosses) {
        double[] log = new double[CANDIDATES];
        for (int c = 0; c < CANDIDATES; c++) {
            log[c] = Math.log(kindOf(c) == Kind.SUBSPACE ? SUBSPACE_PRIOR : (1 - SUBSPACE_PRIOR) / (2 * RATES.length));
        }
        int used = 0;
        for (int i = windowLosses.size() - 1; i >= 0 && used < EVIDENCE_TASKS; i--) {
            double[] l = windowLosses.get(i);
            if (l.length != CANDIDATES || Arrays.stream(l).anyMatch(v -> !(v > 0) || !Double.isFinite(v))) {
                continue;
            }
            for (int c = 0; c < CANDIDATES; c++) {
                log[c] -= Math.log(l[c]);
            }
            used++;
        }
        return normalisedExp(log);
    }

    private static double[] normalisedExp(double[] log) {
        double max = Arrays.stream(log).max().orElseThrow();
        double[] w = new double[log.length];
        double total = 0;
        for (int c = 0; c < w.length; c++) {
            w[c] = Math.exp(log[c] - max);
            total += w[c];
        }
        for (int c = 0; c < w.length; c++) {
            w[c] /= total;
        }
        return w;
    }

    /** The blend weights of the candidates now, into {@code out[0 .. CANDIDATES)}: the prior before any label. */
    public void blendWeights(double[] out) {
        double minSum = Arrays.stream(lossSum).min().orElseThrow();
        double eta = labeled == 0 ? 0 : logLoss ? 1.0 : labeled / Math.max(Double.MIN_NORMAL, minSum);
        double total = 0;
        for (int c = 0; c < CANDIDATES; c++) {
            out[c] = prior[c] * Math.exp(-eta * (lossSum[c] - minSum));
            total += out[c];
        }
        int lowest = lowestLoss();
        for (int c = 0; c < CANDIDATES; c++) {
            out[c] = Double.isFinite(total) && total > 0 ? out[c] / total : (c == lowest ? 1 : 0);
        }
    }

    /**
     * Learns one labeled event: {@code losses[c]} is candidate c's prequential loss on it and
     * {@code deltas[c]} its {@code −∂loss/∂z}.
     */
    public void learn(double[] x, int off, double[] losses, double[] deltas) {
        labeled++;
        for (int c = 0; c < CANDIDATES; c++) {
            lossSum[c] += losses[c];
        }
        // Normalised LMS, as the heads' NormalizedRate steps, at each candidate's rate.
        double norm = NormalizedRate.squaredNormPlusOne(x, off, inputs);
        for (int c = 0; c < 2 * RATES.length; c++) {
            FixedRate.addScaled(weights[c], 0, x, off, inputs, rateOf(c) * residualPerDelta * deltas[c] / norm);
        }
        int r = basis.length;
        if (r == 0) {
            return;
        }
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
        int s = CANDIDATES - 1;
        double residual = residualPerDelta * deltas[s];
        double[] w = weights[s];
        for (int k = 0; k < r; k++) {
            double dc = pp[k] / denominator * residual;
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

    private int lowestLoss() {
        int best = 0;
        for (int c = 1; c < CANDIDATES; c++) {
            if (lossSum[c] < lossSum[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The candidate the blend trusts most now (ties: the earlier one): the one kept when the window
     * ends, and what a task saved while still choosing continues from.
     */
    public int best() {
        double[] w = new double[CANDIDATES];
        blendWeights(w);
        int best = 0;
        for (int c = 1; c < CANDIDATES; c++) {
            if (w[c] > w[best]) {
                best = c;
            }
        }
        return best;
    }

    /** The weights of the {@link #best} candidate (a copy), {@code inputs + 1}. */
    public double[] winner() {
        return weights[best()].clone();
    }

    /** Each candidate's mean loss over the labels so far (NaN before any). */
    public double[] meanLosses() {
        double[] l = new double[CANDIDATES];
        for (int c = 0; c < CANDIDATES; c++) {
            l[c] = labeled == 0 ? Double.NaN : lossSum[c] / labeled;
        }
        return l;
    }

    /** Rank of the subspace candidate. */
    public int rank() {
        return basis.length;
    }
}
