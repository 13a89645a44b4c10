package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Autostep: a step size per weight, adapted online by meta-gradient descent with a normaliser that
 * makes the meta step scale-free, and a bound that keeps one step from overshooting (Mahmood, Sutton,
 * Degris and Pilarski 2012, "Tuning-free step-size adaptation", ICASSP, Table 1). It extends IDBD
 * (Sutton 1992, "Adapting bias by gradient descent: an incremental version of delta-bar-delta").
 *
 * <p>For one row with error signal {@code δ} and input {@code x} (the bias is an input of 1), each
 * weight {@code i} does, in this order:
 * <pre>
 *   v_i ← max(|δ x_i h_i|, v_i + (1/τ) α_i x_i² (|δ x_i h_i| − v_i))
 *   α_i ← min(α_i exp(μ δ x_i h_i / v_i), 1)          (where v_i ≠ 0)
 *   M   ← max(Σ_i α_i x_i², 1);   a_i ← α_i / M
 *   w_i ← w_i + a_i δ x_i
 *   h_i ← h_i (1 − a_i x_i²) + a_i δ x_i
 * </pre>
 * {@code h_i} traces {@code ∂w_i/∂log α_i}; {@code v_i} tracks the largest recent {@code |δ x_i h_i|},
 * so {@code μ δ x_i h_i / v_i} is at most {@code μ} in size and no rate moves by more than a factor
 * {@code e^μ} per step. {@code Σ α_i x_i²} is how far the output moves per unit of {@code δ}; dividing
 * by {@code M} caps that at 1.
 *
 * <p><b>Where this differs from the paper, and why.</b> The paper divides the stored rates by
 * {@code M} ({@code α_i ← α_i / M}); here {@code M} shortens the step taken ({@code a_i}) and the rates
 * learned are kept. Measured on Sutton's tracking task ({@code polyhead bench tracking}): whenever a
 * heavy-tailed input makes {@code Σ α x² > 1}, the paper's rule cuts every rate for good, which held the
 * five relevant rates near 0.05 against IDBD's 0.13 (MSE 2.2); bounding the step only gives 1.2. The
 * bound on each step, the part that prevents overshoot, is the same. Since a rate above the bound then
 * no longer feeds back into the error, rates are capped at {@link #MAX_RATE}.
 *
 * <p><b>Why it is exact for a head.</b> The derivation of {@code h} (IDBD's, kept by Autostep) assumes
 * the output is linear in the weights with {@code ∂z/∂w_i = x_i}. A head is linear in its input (the
 * trunk's features and the raw features), so for the head's own weights that holds exactly, with the
 * features as the inputs; the trunk moving those features is a drift of the input distribution, which
 * is the non-stationarity Autostep is meant to track, not an approximation in its update.
 *
 * <p><b>The error signal.</b> {@code delta} is {@code −∂loss/∂z} as {@link HeadRate} defines it and is
 * used as the paper's {@code δ}. For squared loss on {@code z} that is {@code 2(y − z)}: the
 * adaptation of {@code α} is unchanged by the factor 2 (the ratio {@code δ x h / v} is scale-free), but
 * the bound then caps one step's move of the output at {@code 2|y − z|}, which cannot diverge but can
 * overshoot the target.
 *
 * <p>State: {@code α}, {@code h}, {@code v} per weight, {@code rows × (inputs + 1)}, sized by the
 * constructor or by the first update (rows are added as they are first seen, each starting at the
 * initial rate). Updates whose {@code delta} or input is not finite are skipped, leaving weights and
 * state unchanged. Not thread-safe.
 */
public final class AutostepRate implements HeadRate {
    /**
     * The meta step size μ: twice the paper's 0.01. On Sutton's tracking task (10 seeds) μ 0.01 gave
     * MSE 1.65 from an initial α of 0.01 and 1.47 from 0.05; μ 0.02 gave 1.21 from either.
     */
    public static final double DEFAULT_META_RATE = 0.02;
    /** The largest step size a weight keeps: a rate of 1 alone moves a unit input's output by all of δ. */
    public static final double MAX_RATE = 1.0;
    /** The paper's τ, the time scale of the normaliser's decay. */
    public static final double DEFAULT_TAU = 1e4;

    private final double initialRate;
    private final double metaRate;
    private final double tau;
    private int rows;
    /** Inputs per row without the bias; -1 until sized. */
    private int inputs = -1;
    private double[] alpha = new double[0];
    private double[] trace = new double[0];
    private double[] normaliser = new double[0];

    /** Autostep with μ = {@value #DEFAULT_META_RATE} and the paper's τ = 10⁴; state is sized by the first update. */
    public AutostepRate(double initialRate) {
        this(initialRate, DEFAULT_META_RATE, DEFAULT_TAU);
    }

    /**
     * @param initialRate every weight's starting α, positive and at most {@value #MAX_RATE}
     * @param metaRate    μ, positive and finite
     * @param tau         τ, at least 1 (the normaliser decays over about τ steps)
     */
    public AutostepRate(double initialRate, double metaRate, double tau) {
        this.initialRate = Rates.checkRate("initial step size", initialRate);
        if (initialRate > MAX_RATE) {
            throw new IllegalArgumentException("initial step size must be at most " + MAX_RATE + ". Got: " + initialRate);
        }
        this.metaRate = Rates.checkRate("meta step size", metaRate);
        if (!(tau >= 1) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("tau must be finite and at least 1. Got: " + tau);
        }
        this.tau = tau;
    }

    /**
     * Autostep with its state sized up front for {@code rows} rows of {@code inputs} inputs plus a bias.
     *
     * @param rows   at least 1
     * @param inputs inputs per row without the bias, at least 0
     */
    public AutostepRate(int rows, int inputs, double initialRate, double metaRate, double tau) {
        this(initialRate, metaRate, tau);
        if (rows < 1 || inputs < 0) {
            throw new IllegalArgumentException("need rows >= 1 and inputs >= 0. Got: " + rows + " x " + inputs);
        }
        this.inputs = inputs;
        ensureRows(rows);
    }

    @Override
    public void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta) {
        if (!Double.isFinite(delta)) {
            return;
        }
        for (int j = 0; j < n; j++) {
            if (!Double.isFinite(x[xOff + j])) {
                return;
            }
        }
        size(row, n);
        int stride = n + 1;
        int base = row * stride;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double xi = i < n ? x[xOff + i] : 1.0;
            int k = base + i;
            double g = delta * xi * trace[k];
            double ag = Math.abs(g);
            double v = Math.max(ag, normaliser[k] + alpha[k] * xi * xi * (ag - normaliser[k]) / tau);
            normaliser[k] = v;
            if (v != 0) {
                alpha[k] = Math.min(MAX_RATE, alpha[k] * Math.exp(metaRate * g / v));
            }
            sum += alpha[k] * xi * xi;
        }
        double m = Math.max(sum, 1.0);
        for (int i = 0; i <= n; i++) {
            double xi = i < n ? x[xOff + i] : 1.0;
            int k = base + i;
            double a = alpha[k] / m;
            w[wOff + i] += a * delta * xi;
            trace[k] = trace[k] * (1 - a * xi * xi) + a * delta * xi;
        }
    }

    private void size(int row, int n) {
        if (inputs < 0) {
            inputs = n;
        } else if (n != inputs) {
            throw new IllegalArgumentException("this Autostep state is for rows of " + inputs + " inputs. Got: " + n);
        }
        if (row < 0) {
            throw new IllegalArgumentException("row must not be negative. Got: " + row);
        }
        if (row >= rows) {
            ensureRows(row + 1);
        }
    }

    private void ensureRows(int newRows) {
        int oldSize = alpha.length;
        int newSize = newRows * (inputs + 1);
        alpha = Arrays.copyOf(alpha, newSize);
        Arrays.fill(alpha, oldSize, newSize, initialRate);
        trace = Arrays.copyOf(trace, newSize);
        normaliser = Arrays.copyOf(normaliser, newSize);
        rows = newRows;
    }

    /** The mean α over all weights (bias included); the initial rate before the state is sized. */
    @Override
    public double meanRate() {
        if (alpha.length == 0) {
            return initialRate;
        }
        double s = 0;
        for (double a : alpha) {
            s += a;
        }
        return s / alpha.length;
    }

    /** A copy of the step sizes, {@code rows × (inputs + 1)} row by row; empty before the state is sized. */
    public double[] stepSizes() {
        return alpha.clone();
    }

    /** Writes rows, inputs, then α, h and v. The settings (initial α, μ, τ) belong to the config, not here. */
    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(rows);
        out.writeInt(inputs);
        StateIO.writeDoubles(out, alpha);
        StateIO.writeDoubles(out, trace);
        StateIO.writeDoubles(out, normaliser);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        int r = in.readInt();
        int n = in.readInt();
        double[] a = StateIO.readDoubles(in);
        double[] h = StateIO.readDoubles(in);
        double[] v = StateIO.readDoubles(in);
        long expected = n < 0 ? 0 : (long) r * (n + 1);
        if (r < 0 || n < -1 || (n < 0 && r != 0) || a.length != expected || h.length != expected
                || v.length != expected) {
            throw new IOException("corrupt Autostep state: " + r + " rows of " + n + " inputs with arrays of "
                    + a.length + ", " + h.length + ", " + v.length);
        }
        rows = r;
        inputs = n;
        alpha = a;
        trace = h;
        normaliser = v;
    }
}
