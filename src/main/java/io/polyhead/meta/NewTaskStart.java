package io.polyhead.meta;

import io.polyhead.optim.FixedRate;
import io.polyhead.optim.NormalizedRate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The first events of a new task, for a head with one output (regression or binary): candidate heads
 * learn side by side and the task's prediction blends them by their prequential losses so far; after
 * {@link #window} labeled events (20, or 80 for a classifier) the one the blend trusts most is kept. The candidates are a start and
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
     * Labeled events the candidates of a classifier run side by side: longer, because the Newton start
     * keeps learning faster than the rate copies it hands over to. Measured on the letters (3 stream
     * seeds, four rate copies per head then): overall loss 0.2255 / 0.2251 / 0.2255 with 20, 0.2193 / 0.2205 / 0.2205 with 80, late
     * tasks' first-20 loss unchanged (its spread over seeds, 0.58-0.62, is larger than any difference);
     * on sinusoid a window of 80 raised new tasks' first-10 loss from 0.22 to 0.28 of a zero head's, so
     * regression keeps {@link #WINDOW}.
     */
    public static final int CLASSIFIER_WINDOW = 80;
    /** Labels whose losses are the evidence later tasks learn their prior weights from. */
    public static final int EVIDENCE = 20;
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
    /** Zero at each rate, mean at each rate, subspace, Newton. */
    public static final int CANDIDATES = 2 * RATES.length + 2;
    /**
     * Widest head input the Newton candidate runs on: its covariance has {@code (inputs + 1)²} entries
     * (129² for the default head, about 130 kB while a task chooses its start; 513² is 2 MB).
     */
    static final int MAX_NEWTON_INPUTS = 512;

    /** Whether the Newton candidate runs on heads of this input width. */
    public static boolean runsNewton(int inputs) {
        return inputs <= MAX_NEWTON_INPUTS;
    }

    /** The subspace candidate's index. */
    static final int SUBSPACE_INDEX = 2 * RATES.length;
    /** The Newton candidate's index (the last: indices stored before it was added keep their meaning). */
    static final int NEWTON_INDEX = 2 * RATES.length + 1;
    /**
     * The Newton start's prior weight before any evidence for a regression head (later tasks learn theirs
     * from the evidence). Measured on the letters' late tasks (with four rate copies per head, before they
     * became three), first-20 loss over stream seeds 1-3: 1/3 gives 0.607 / 0.584 / 0.613, 0.7 gives
     * 0.600 / 0.573 / 0.596 but new sinusoid tasks 0.24 of a zero head's against 0.22: so regression heads
     * keep 1/3 and classifiers get {@link #NEWTON_PRIOR_LOG_LOSS}.
     */
    static final double NEWTON_PRIOR = 1.0 / 3;
    /**
     * The Newton start's prior weight before any evidence for a classifier. Measured on the letters stream
     * (60,000 events, defaults, stream seeds 1-3 times model seeds 42, 1, 2, 3, 7), late tasks' first-20
     * loss, mean (worst) of the 15 runs: 1/3 0.601 (0.626), 0.7 0.591 (0.613), 0.85 0.588 (0.609), 0.95
     * 0.586 (0.608); the overall loss 0.2176 / 0.2174 / 0.2174 / 0.2174. Evidence weighed 3x instead
     * (0.7: 0.590) or 0.3x (1/3: 0.611) did not help. Not 0.95: the other starts need room to win where the
     * Newton start has nothing to offer (unrelated binary tasks).
     */
    static final double NEWTON_PRIOR_LOG_LOSS = 0.85;
    /**
     * The Newton start's prior variance per weight for classifiers, in units of the established heads'
     * mean squared weight. Measured on the letters' late tasks (with four rate copies per head, before
     * they became three), first-20 loss (window 20): 0.5x 0.615,
     * 1x 0.604, 2x 0.599, 4x 0.589, 8x 0.607, 16x 0.623; with the window of 80 on stream seeds 1-3,
     * 2x 0.608 / 0.590 / 0.615, 4x 0.607 / 0.584 / 0.613, 8x 0.611 / 0.605 / 0.631 (the established heads
     * are the fast copies', whose weights keep moving: a new head's may need to go further than theirs).
     */
    static final double NEWTON_SPREAD_LOG_LOSS = 4;
    /** Most earlier tasks whose evidence {@link #priorWeights} multiplies. */
    public static final int EVIDENCE_TASKS = 16;
    /**
     * The subspace start's prior weight before any evidence; the other starts share the rest evenly.
     * Measured with new tasks' first-10 loss (sinusoid / lowrank / lowrank binary; with the candidates'
     * first rates 0.05 / 0.25 / 1 of δ): a third each for zero, mean and subspace 1.060 / 0.580 / 0.604;
     * half for the subspace 1.039 / 0.542 / 0.608; 0.85 for it 1.001 / 0.540 / 0.642.
     */
    static final double SUBSPACE_PRIOR = 0.5;

    /**
     * Where a candidate starts, and how it learns: ZERO and MEAN by normalised LMS at a rate, SUBSPACE by
     * least squares on a few coordinates, NEWTON from the mean by online Newton steps on every weight.
     */
    public enum Kind {
        ZERO, MEAN, SUBSPACE, NEWTON;

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
    /** The losses of the first {@link #EVIDENCE} labels: what later tasks learn their prior weights from. */
    private final double[] evidenceSum = new double[CANDIDATES];
    private int labeled;
    /**
     * The Newton candidate's posterior covariance, {@code (inputs + 1)²} row-major: the prior's spread
     * (its directions, and an even variance in all others) shrinking with every label.
     */
    private final double[] newtonCov;

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
        this(inputs, mean, basis, spread, 0, logLoss, prior);
    }

    /**
     * @param isotropic the prior variance of every weight outside the basis's directions: the Newton
     *                  candidate's prior is {@code N(mean, isotropic · I + Σ_k spread_k² b_k b_kᵀ)}
     */
    public NewTaskStart(int inputs, double[] mean, double[][] basis, double[] spread, double isotropic,
                        boolean logLoss, double[] prior) {
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
            // The Newton start begins at zero with the heads' spread around zero as its prior: from their
            // mean it did worse than any zero start on the letters (window loss 0.92 against 0.59), whose
            // one-vs-rest heads average to a head that is confidently wrong for every new letter.
            weights[c] = kindOf(c) == Kind.ZERO || kindOf(c) == Kind.NEWTON ? new double[inputs + 1] : mean.clone();
        }
        int m = inputs + 1;
        this.newtonCov = runsNewton(inputs) ? new double[m * m] : null;
        for (int i = 0; newtonCov != null && i < m; i++) {
            newtonCov[i * m + i] = Math.max(0, isotropic);
        }
        for (int k = 0; newtonCov != null && k < r; k++) {
            double extra = Math.max(0, spread[k] * spread[k] - isotropic);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    newtonCov[i * m + j] += extra * basis[k][i] * basis[k][j];
                }
            }
        }
    }

    /** Where candidate {@code c} started. */
    public static Kind kindOf(int c) {
        return c < RATES.length ? Kind.ZERO : c < 2 * RATES.length ? Kind.MEAN
                : c == SUBSPACE_INDEX ? Kind.SUBSPACE : Kind.NEWTON;
    }

    /** Candidate {@code c}'s normalised rate; NaN for the subspace candidate (least squares, no rate). */
    public static double rateOf(int c) {
        return c < 2 * RATES.length ? RATES[c % RATES.length] : Double.NaN;
    }

    /** How reports name candidate {@code c}: {@code zero@0.5}, {@code mean@1.0}, {@code subspace}. */
    public static String nameOf(int c) {
        return c >= SUBSPACE_INDEX ? kindOf(c).jsonName() : kindOf(c).jsonName() + "@" + rateOf(c);
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
            return SUBSPACE_INDEX;
        }
        if (kind == Kind.NEWTON) {
            return NEWTON_INDEX;
        }
        for (int i = 0; i < RATES.length; i++) {
            if (RATES[i] == rate) {
                return (kind == Kind.ZERO ? 0 : RATES.length) + i;
            }
        }
        throw new IllegalArgumentException("no " + kind.jsonName() + " candidate at rate " + rate);
    }

    /** Whether the candidates still run (fewer than {@link #window} labels so far). */
    public boolean active() {
        return labeled < window();
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
        if (logLoss && newtonCov != null) {
            // The Newton candidate answers with its posterior's predictive probability, moderated by
            // its uncertainty (MacKay 1992): σ(z / sqrt(1 + π s / 8)), s = xᵀ S x. Early on, far from
            // what it has seen, it answers near ½ instead of confidently.
            out[NEWTON_INDEX] /= Math.sqrt(1 + Math.PI * quadraticForm(x, off) / 8);
        }
    }

    /** {@code s = xᵀ S x} for the Newton candidate's covariance S, with the bias input 1. */
    private double quadraticForm(double[] x, int off) {
        return dot(x, off, covTimes(x, off), inputs);
    }

    /** {@code S [x, 1]}: the Newton candidate's covariance times the input with its bias. A new array. */
    private double[] covTimes(double[] x, int off) {
        int m = inputs + 1;
        double[] sx = new double[m];
        for (int i = 0; i < m; i++) {
            int row = i * m;
            double v = newtonCov[row + inputs];
            for (int j = 0; j < inputs; j++) {
                v += newtonCov[row + j] * x[off + j];
            }
            sx[i] = v;
        }
        return sx;
    }

    /** {@code [x, 1] · v} for a vector v of {@code n + 1}. */
    private static double dot(double[] x, int off, double[] v, int n) {
        double s = v[n];
        for (int j = 0; j < n; j++) {
            s += v[j] * x[off + j];
        }
        return s;
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
        return priorWeights(windowLosses, true, NEWTON_PRIOR);
    }

    /** The Newton start's weight before any evidence: {@value #NEWTON_PRIOR_LOG_LOSS} for classifiers, else {@value #NEWTON_PRIOR}. */
    public static double newtonPrior(boolean logLoss) {
        return logLoss ? NEWTON_PRIOR_LOG_LOSS : NEWTON_PRIOR;
    }

    /**
     * As {@link #priorWeights(List)}; the base gives the Newton start {@code newton} (0 when it does not
     * run, else {@link #newtonPrior}), the subspace start {@value #SUBSPACE_PRIOR} of the rest when there
     * is a subspace ({@code subspace}; without directions it is the mean head, standing still), and splits
     * what is left evenly among the others. A candidate that does not run gets nothing.
     */
    public static double[] priorWeights(List<double[]> windowLosses, boolean subspace, double newton) {
        if (!(newton >= 0 && newton < 1)) {
            throw new IllegalArgumentException("the Newton start's prior weight must be in [0, 1). Got: " + newton);
        }
        double[] log = new double[CANDIDATES];
        double nw = newton;
        double sub = subspace ? SUBSPACE_PRIOR * (1 - nw) : 0;
        double each = (1 - nw - sub) / (2 * RATES.length);
        for (int c = 0; c < CANDIDATES; c++) {
            Kind kind = kindOf(c);
            log[c] = Math.log(kind == Kind.SUBSPACE ? sub : kind == Kind.NEWTON ? nw : each);
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
     * Learns one labeled event: {@code label} in the head's units, {@code losses[c]} candidate c's
     * prequential loss on it and {@code deltas[c]} its {@code −∂loss/∂z}.
     */
    public void learn(double[] x, int off, double label, double[] losses, double[] deltas) {
        labeled++;
        learnNewton(x, off, label);
        for (int c = 0; c < CANDIDATES; c++) {
            lossSum[c] += losses[c];
            if (labeled <= EVIDENCE) {
                evidenceSum[c] += losses[c];
            }
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
        int s = SUBSPACE_INDEX;
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

    /**
     * One step of the Newton candidate: for log loss the online Newton (extended Kalman) step of a
     * Gaussian posterior over the weights, {@code m ← m + S x (y − p) / (1 + h xᵀSx)} and
     * {@code S ← S − h S x xᵀ S / (1 + h xᵀSx)} with {@code h = p(1 − p)}; for squared loss the same
     * with {@code h = 1 / noise} (recursive least squares). Every weight moves, each direction by as much
     * as the prior and the labels so far leave it uncertain.
     */
    private void learnNewton(double[] x, int off, double label) {
        if (newtonCov == null) {
            return;
        }
        double[] w = weights[NEWTON_INDEX];
        double[] sx = covTimes(x, off);
        double s = dot(x, off, sx, inputs);
        double z = dot(x, off, w, inputs);
        double h;
        double g;
        if (logLoss) {
            double p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
            h = Math.max(p * (1 - p), 1e-6);
            g = label - p;
        } else {
            h = 1 / noiseVariance;
            g = (label - z) / noiseVariance;
        }
        double k = 1 / (1 + h * s);
        if (!Double.isFinite(k) || !Double.isFinite(g)) {
            return;
        }
        int m = inputs + 1;
        for (int i = 0; i < m; i++) {
            w[i] += sx[i] * g * k;
        }
        double hk = h * k;
        for (int i = 0; i < m; i++) {
            double a = hk * sx[i];
            int row = i * m;
            for (int j = 0; j < m; j++) {
                newtonCov[row + j] -= a * sx[j];
            }
        }
    }

    /** Established heads of a shape needed before a new task gets candidate starts. */
    public static final int MIN_PRIOR_TASKS = 5;
    /** Most directions in the subspace start. */
    static final int MAX_RANK = 4;
    /** Share of the established heads' variance the subspace must explain. */
    static final double EXPLAINED = 0.9;

    /**
     * The candidate starts a new task gets from the prior of its head kind, or null when there is too
     * little to learn from (fewer than {@link #MIN_PRIOR_TASKS} established heads).
     *
     * <p>The subspace start runs only when the established heads share a low-rank structure: the
     * smallest rank r (at most 4) that explains 90% of their variance, seen in at least 2r + 1 heads.
     * n heads span at most n - 1 directions about their mean, so 5 heads of unrelated tasks "explain"
     * all their variance in 4; measured, those subspace offers cost unrelated binary tasks 2-3% in their
     * first 10 events, none once 2r + 1 heads are required. Classifiers get candidate starts whatever the
     * structure, for the Newton start: it begins at zero with the heads' spread as its prior (the top
     * directions when they explain enough, and the heads' mean square weight spread evenly over all
     * weights), so it learns fast where the established heads say weights are large. Regression tasks
     * without the structure get no starts.
     *
     * @param evidence window losses of earlier new tasks of this kind ({@link #priorWeights})
     */
    public static NewTaskStart offer(HeadPrior prior, int inputs, boolean logLoss, List<double[]> evidence) {
        if (prior == null || prior.tasks() < MIN_PRIOR_TASKS) {
            return null;
        }
        double[] spread = new double[MAX_RANK];
        double[][] basis = prior.basis(MAX_RANK, spread);
        double total = prior.totalVariance();
        double explained = 0;
        int rank = 0;
        while (rank < basis.length && explained < EXPLAINED * total) {
            explained += spread[rank] * spread[rank];
            rank++;
        }
        boolean lowRank = total > 0 && explained >= EXPLAINED * total && prior.tasks() >= 2 * rank + 1;
        if (!lowRank && !logLoss) {
            // Regression tasks without a shared structure start as without the meta-learner: measured on
            // unrelated regression tasks, candidate starts cost 3-7% in their first 10 events (the
            // mixture's price for candidates that have nothing to offer), against nothing for classifiers.
            return null;
        }
        int r = lowRank ? rank : 0;
        double rest = total;
        for (int k = 0; k < r; k++) {
            rest -= spread[k] * spread[k];
        }
        double meanSq = 0;
        for (double v : prior.mean()) {
            meanSq += v * v;
        }
        // (At least one direction left: a head of 3 inputs or fewer can have a subspace as wide as itself.)
        double isotropic = (Math.max(rest, 0) + meanSq) / Math.max(1, inputs + 1 - r) * (logLoss ? NEWTON_SPREAD_LOG_LOSS : 1);
        return new NewTaskStart(inputs, prior.mean(), Arrays.copyOf(basis, r), Arrays.copyOf(spread, r), isotropic,
                logLoss, priorWeights(evidence, lowRank, runsNewton(inputs) ? newtonPrior(logLoss) : 0));
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

    /** Each candidate's mean loss over its first {@link #EVIDENCE} labels, or those so far (NaN before any). */
    public double[] meanLosses() {
        double[] l = new double[CANDIDATES];
        int n = Math.min(labeled, EVIDENCE);
        for (int c = 0; c < CANDIDATES; c++) {
            l[c] = n == 0 ? Double.NaN : evidenceSum[c] / n;
        }
        return l;
    }

    /** Labeled events the candidates run: {@link #CLASSIFIER_WINDOW} for log loss, else {@link #WINDOW}. */
    public int window() {
        return logLoss ? CLASSIFIER_WINDOW : WINDOW;
    }

    /** Rank of the subspace candidate. */
    public int rank() {
        return basis.length;
    }
}
