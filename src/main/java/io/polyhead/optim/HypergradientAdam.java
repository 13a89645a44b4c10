package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Adam whose learning rate α adapts online by hypergradient descent: Adam-HD of Baydin, Cornish,
 * Martínez Rubio, Schmidt and Wood 2018, "Online Learning Rate Adaptation with Hypergradient Descent"
 * (ICLR 2018). The Adam steps themselves are {@link Adam}'s (β1 0.9, β2 0.999, ε 1e-8, bias
 * corrections folded into the step size); this class only chooses α before each one.
 *
 * <p>With {@code u_{t−1}} the direction of the previous step ({@code θ ← θ − α u}), the derivative of
 * the loss with respect to α is {@code h_t = −g_t · u_{t−1}}: when the new gradient still points along
 * the last step, a longer step would have helped. The paper's additive rule
 * {@code α_t = α_{t−1} − β h_t} has a β in units of 1/(gradient × direction), so a β tuned for one model
 * and loss scale is far too small or unstable for another, and it can drive α negative. We use the
 * multiplicative, scale-free form instead, in the spirit of the paper's multiplicative variant:
 *
 * <pre>α_t = clip(α_{t−1} · exp(β · cos(g_t, u_{t−1})), αmin, αmax)</pre>
 *
 * where {@code cos} is the normalised dot product (0 when either vector is zero). Only the sign and
 * alignment of the hypergradient count, so one β works whatever the gradient scale; each step changes
 * α by at most a factor {@code e^β}, so α moves by orders of magnitude in {@code ln(10)/β} steps of
 * consistent evidence, from any start, and stays positive. The first step has no previous direction
 * and keeps the initial α.
 *
 * <p>The gradient is first clipped to L2 norm {@code maxGradNorm} (scaled down, direction kept); the
 * clipped gradient feeds both the hypergradient and Adam's moments, so one outlier batch can neither
 * inflate the second moment for thousands of steps nor, through it, stall learning. The caller's
 * gradient array is not modified.
 *
 * <p>Not thread-safe: one optimiser serves one trunk.
 */
public final class HypergradientAdam implements TrunkOptimizer {
    /**
     * Default hypergradient rate β: α changes by at most 2% a step, so a decade takes at least
     * ln(10)/0.02 ≈ 115 consistent steps — fast against a stream of thousands of batches, slow enough
     * that the noise of single mini-batch cosines averages out.
     */
    public static final double DEFAULT_HYPER_RATE = 0.02;
    /** Default lower bound of α. */
    public static final double DEFAULT_MIN_RATE = 1e-6;
    /** Default upper bound of α. */
    public static final double DEFAULT_MAX_RATE = 1.0;
    /** Default bound of the gradient's L2 norm. */
    public static final double DEFAULT_MAX_GRAD_NORM = 10.0;

    private final double initialRate;
    private final double hyperRate;
    private final double minRate;
    private final double maxRate;
    private final double maxGradNorm;
    private final Adam adam;
    private double rate;
    // Direction of the last step (θ ← θ − α u); null before the first step.
    private double[] direction;
    /** Decaying sum of past step directions (IDBD-style trace); equals the last direction when decay is 0. */
    private double[] trace;
    private double traceDecay;
    private double riseFactor = 1.0;
    private double streakBoost = 1.0;
    /** Consecutive steps whose cosine was positive (not stored: a restored optimiser starts a new streak). */
    private long streak;
    /** Consecutive positive cosines that add 1 to the rise's multiplier ({@link #withStreakBoost}). */
    static final int STREAK_STEPS = 10;
    private double[] clipped;
    /** The parameters right after this optimiser's last step: what moved them since was other processes' steps. */
    private double[] after;

    /**
     * Adam-HD with the defaults: β {@value #DEFAULT_HYPER_RATE}, α in [{@value #DEFAULT_MIN_RATE},
     * {@value #DEFAULT_MAX_RATE}], gradient norm at most {@value #DEFAULT_MAX_GRAD_NORM}.
     *
     * @param initialRate the starting α, within the default bounds
     */
    public HypergradientAdam(double initialRate) {
        this(initialRate, DEFAULT_HYPER_RATE, DEFAULT_MIN_RATE, DEFAULT_MAX_RATE, DEFAULT_MAX_GRAD_NORM);
    }

    /**
     * @param initialRate the starting α, in {@code [minRate, maxRate]}
     * @param hyperRate   β, how far one step moves {@code ln α} (at most β); non-negative and finite,
     *                    0 gives plain Adam with gradient clipping
     * @param minRate     lower bound of α, positive
     * @param maxRate     upper bound of α, finite and at least {@code minRate}
     * @param maxGradNorm largest L2 norm of the gradient used, positive; {@code +∞} turns clipping off
     */
    public HypergradientAdam(double initialRate, double hyperRate, double minRate, double maxRate, double maxGradNorm) {
        Rates.checkRate("minimum learning rate", minRate);
        Rates.checkRate("maximum learning rate", maxRate);
        if (minRate > maxRate) {
            throw new IllegalArgumentException("minimum learning rate must not exceed the maximum. Got: ["
                    + minRate + ", " + maxRate + "]");
        }
        Rates.checkRate("learning rate", initialRate);
        if (initialRate < minRate || initialRate > maxRate) {
            throw new IllegalArgumentException("learning rate must be within [" + minRate + ", " + maxRate
                    + "]. Got: " + initialRate);
        }
        if (!(hyperRate >= 0) || !Double.isFinite(hyperRate)) {
            throw new IllegalArgumentException("hypergradient rate must be non-negative and finite. Got: " + hyperRate);
        }
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maximum gradient norm must be positive. Got: " + maxGradNorm);
        }
        this.initialRate = initialRate;
        this.hyperRate = hyperRate;
        this.minRate = minRate;
        this.maxRate = maxRate;
        this.maxGradNorm = maxGradNorm;
        this.adam = new Adam(initialRate);
        this.rate = initialRate;
    }

    @Override
    public void step(double[] params, double[] gradient) {
        step(params, gradient, 1);
    }

    /**
     * With other processes stepping the same trunk ({@code elapsed > 1}), the hypergradient compares the
     * gradient with how far the trunk really moved since this optimiser's last step, its own step and the
     * others' ({@code (θ after the last step − θ now) / α} added to the last direction and the trace), not
     * with its own step alone. A rate judged by its own steps only sees that its own steps did not
     * overshoot while the others' steps add to them: measured on {@code sinusoid} (60 tasks, 20k events,
     * 4 replicas on 2 instances, {@code ReplicatedRun}, a contribution every batch) the second-half loss was
     * 2.93x one learner's judged by its own steps and 1.49x with the movement (4 replicas in one instance:
     * 1.06x); before the streak boost the two rates climbed to 0.0095 against one optimiser's 0.0026
     * (2.37x), with the movement 0.0045 / 0.0035 (1.76x). Not stored: after a restore the first step
     * compares with its own direction only.
     */
    @Override
    public void step(double[] params, double[] gradient, long elapsed) {
        if (params.length != gradient.length) {
            throw new IllegalArgumentException("gradient must have the parameters' length " + params.length
                    + ". Got: " + gradient.length);
        }
        if (clipped == null || clipped.length != gradient.length) {
            clipped = new double[gradient.length];
        }
        double norm = norm(gradient);
        double scale = norm > maxGradNorm ? maxGradNorm / norm : 1.0;
        for (int i = 0; i < gradient.length; i++) {
            clipped[i] = scale * gradient[i];
        }
        if (elapsed > 1 && after != null && direction != null && after.length == params.length && othersFinite(params)) {
            for (int i = 0; i < params.length; i++) {
                double others = (after[i] - params[i]) / rate;
                direction[i] += others;
                if (trace != null) {
                    trace[i] += others;
                }
            }
        }
        if (direction != null && direction.length == params.length) {
            double[] past = traceDecay > 0 ? trace : direction;
            double c = cosine(clipped, past);
            if (!Double.isFinite(c)) {
                c = 0; // a cosine that is not a number leaves the rate as it is
            }
            streak = c > 0 ? streak + 1 : 0;
            double boost = Math.min(streakBoost, 1 + streak / (double) STREAK_STEPS);
            double beta = c > 0 ? riseFactor * hyperRate * boost : hyperRate;
            rate = Math.min(maxRate, Math.max(minRate, rate * Math.exp(beta * c)));
        } else {
            direction = new double[params.length];
        }
        adam.step(params, clipped, rate, direction);
        if (after == null || after.length != params.length) {
            after = new double[params.length];
        }
        System.arraycopy(params, 0, after, 0, params.length);
        if (traceDecay > 0) {
            if (trace == null || trace.length != direction.length) {
                trace = new double[direction.length];
            }
            for (int i = 0; i < trace.length; i++) {
                trace[i] = traceDecay * trace[i] + direction[i];
            }
        }
    }

    /**
     * Compares each gradient with a decaying sum of the past step directions instead of the last one
     * alone (the trace of IDBD, Sutton 1992): the one-step hypergradient is myopic and settles below
     * the rate that learns fastest over many steps; the trace sees the drift of several steps.
     * 0 (the default) is Baydin et al.'s rule.
     *
     * @param decay in [0, 1)
     * @return this optimiser
     */
    public HypergradientAdam withTrace(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("trace decay must be in [0, 1). Got: " + decay);
        }
        this.traceDecay = decay;
        return this;
    }

    /**
     * Lets α rise {@code factor} times faster than it falls: β·factor when the cosine is positive, β
     * when it is negative. The hypergradient is greedy: it asks whether the next step would have been
     * better longer, and that horizon of one step favours rates below the ones that learn fastest over
     * thousands (the short-horizon bias of Wu, Ren, Liao and Grosse 2018). Measured on lowrank and
     * sinusoid from a start of 1e-4, the symmetric rule climbed for ~10k events and then settled low;
     * rising three times faster put every start within 15% of the best fixed rate
     * ({@code polyhead bench meta}). 1 (the default) is the symmetric rule.
     *
     * @param factor at least 1, finite
     * @return this optimiser
     */
    public HypergradientAdam withRiseFactor(double factor) {
        if (!(factor >= 1) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("rise factor must be finite and at least 1. Got: " + factor);
        }
        this.riseFactor = factor;
        return this;
    }

    /**
     * Lets α rise faster still while the evidence keeps saying "longer": after {@code n} consecutive steps
     * with a positive cosine the rise is multiplied by {@code min(max, 1 + n/10)}, as Rprop grows a step
     * while the gradient's sign holds; one negative cosine ends the streak. A rate started far too low
     * sees a long streak and climbs in tens of steps; a rate near its best sees cosines of both signs and
     * moves as without it. Measured on {@code lowrank} from a start of 1e-4 ({@code polyhead bench meta},
     * stream seeds 1-3, worst start over the best fixed rate): without it 1.14 / 1.24 / 1.145, with 3 0.89
     * / 0.99 / 0.90; the letters stream's default loss 0.2049 -> 0.2070. 1 (the default) turns it off.
     *
     * @param max at least 1, finite
     * @return this optimiser
     */
    public HypergradientAdam withStreakBoost(double max) {
        if (!(max >= 1) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("streak boost must be finite and at least 1. Got: " + max);
        }
        this.streakBoost = max;
        return this;
    }

    /**
     * Whether the others' movement since this optimiser's last step is finite: a step the caller undid
     * (it left a parameter non-finite) leaves {@code after} non-finite, and adding that to the trace would
     * stop the rate adapting for good.
     */
    private boolean othersFinite(double[] params) {
        for (int i = 0; i < params.length; i++) {
            if (!Double.isFinite(after[i] - params[i])) {
                return false;
            }
        }
        return true;
    }

    private static double norm(double[] a) {
        double sum = 0;
        for (double x : a) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    /** The cosine of the angle between {@code a} and {@code b}; 0 when either is zero. */
    static double cosine(double[] a, double[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
    }

    /** The current α: the rate of the last step, from which the next step's rate is adapted. */
    @Override
    public double learningRate() {
        return rate;
    }

    /** The α of the first step. */
    public double initialRate() {
        return initialRate;
    }

    /** β, the hypergradient rate. */
    public double hyperRate() {
        return hyperRate;
    }

    public double minRate() {
        return minRate;
    }

    public double maxRate() {
        return maxRate;
    }

    public double maxGradNorm() {
        return maxGradNorm;
    }

    @Override
    public long steps() {
        return adam.steps();
    }

    /** Writes Adam's state (step count, moments), then α and the last step's direction. */
    @Override
    public void writeState(DataOutput out) throws IOException {
        adam.writeState(out);
        out.writeDouble(rate);
        StateIO.writeDoubles(out, direction == null ? new double[0] : direction);
        StateIO.writeDoubles(out, trace == null ? new double[0] : trace);
    }

    /** The snapshot's state and the streak, which a snapshot leaves out. */
    @Override
    public void writeShared(DataOutput out) throws IOException {
        writeState(out);
        out.writeLong(streak);
    }

    /**
     * Takes another process's state: the next step goes on from its last step, so nothing moved the parameters
     * since that this optimiser's trace leaves out ({@code after} is forgotten). All of it is read and checked
     * before any is taken: a state that does not read leaves this optimiser as it was.
     */
    @Override
    public void readShared(DataInput in) throws IOException {
        Saved saved = read(in);
        long s = in.readLong();
        take(saved);
        streak = Math.max(0, s);
        after = null;
    }

    @Override
    public void readState(DataInput in) throws IOException {
        take(read(in));
    }

    /** Adam-HD's state as written by {@link #writeState}, read and checked but not yet taken. */
    private record Saved(Adam.Saved adam, double rate, double[] direction, double[] trace) {
    }

    private static Saved read(DataInput in) throws IOException {
        Adam.Saved adam = Adam.read(in);
        double r = in.readDouble();
        if (!(r > 0) || !Double.isFinite(r)) {
            throw new IOException("corrupt Adam-HD state: learning rate " + r);
        }
        double[] u = StateIO.readDoubles(in);
        double[] e = StateIO.readDoubles(in);
        for (double[] a : new double[][] {u, e}) {
            for (double x : a) {
                if (!Double.isFinite(x)) {
                    throw new IOException("corrupt Adam-HD state: a step direction that is not finite");
                }
            }
        }
        return new Saved(adam, r, u, e);
    }

    private void take(Saved saved) {
        adam.restore(saved.adam());
        // A rate saved under other bounds (an earlier build allowed up to 0.02) continues from the nearest
        // rate these bounds allow.
        rate = Math.min(maxRate, Math.max(minRate, saved.rate()));
        direction = saved.direction().length == 0 ? null : saved.direction();
        trace = saved.trace().length == 0 ? null : saved.trace();
    }
}
