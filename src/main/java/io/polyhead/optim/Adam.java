package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization") over the trunk's flat
 * parameter array, with the bias corrections folded into the step size.
 */
public final class Adam implements TrunkOptimizer {
    private final double rate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double[] m;
    private double[] v;
    private long steps;

    /** Adam with the paper's β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public Adam(double rate) {
        this(rate, 0.9, 0.999, 1e-8);
    }

    public Adam(double rate, double beta1, double beta2, double epsilon) {
        this.rate = Rates.checkRate("learning rate", rate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1). Got: " + beta1 + ", " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void step(double[] params, double[] gradient) {
        step(params, gradient, rate);
    }

    /** One Adam step with rate {@code eta} instead of the configured one (for rate adaptation). */
    public void step(double[] params, double[] gradient, double eta) {
        step(params, gradient, eta, null);
    }

    /**
     * One Adam step with rate {@code eta}, also writing the step's direction: the {@code u} with
     * {@code θ ← θ − eta·u}, that is the bias-corrected {@code m̂ / (√v̂ + ε)} (ε scaled as in the
     * folded form). Rate adaptation by hypergradient needs it ({@link HypergradientAdam}).
     *
     * @param direction where to write {@code u}, the length of {@code params}; may be null (not written)
     */
    public void step(double[] params, double[] gradient, double eta, double[] direction) {
        if (direction != null && direction.length != params.length) {
            throw new IllegalArgumentException("direction must have the parameters' length " + params.length
                    + ". Got: " + direction.length);
        }
        if (m == null || m.length != params.length) {
            m = new double[params.length];
            v = new double[params.length];
        }
        steps++;
        double secondCorrection = Math.sqrt(1 - Math.pow(beta2, steps));
        double firstCorrection = 1 - Math.pow(beta1, steps);
        // Same operation order as before the direction existed, so Adam's steps stay bit-identical.
        double stepSize = eta * secondCorrection / firstCorrection;
        double correction = secondCorrection / firstCorrection;
        for (int i = 0; i < params.length; i++) {
            double g = gradient[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double denominator = Math.sqrt(v[i]) + epsilon;
            params[i] -= stepSize * m[i] / denominator;
            if (direction != null) {
                direction[i] = correction * m[i] / denominator;
            }
        }
    }

    @Override
    public double learningRate() {
        return rate;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeLong(steps);
        StateIO.writeDoubles(out, m == null ? new double[0] : m);
        StateIO.writeDoubles(out, v == null ? new double[0] : v);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        restore(read(in));
    }

    /** Adam's state as written by {@link #writeState}, read and checked but not yet taken. */
    record Saved(long steps, double[] m, double[] v) {
    }

    /**
     * Reads what {@link #writeState} wrote and checks it (moments of one length, finite, second moments not
     * negative) without changing this optimiser: a state that does not read leaves it as it was.
     */
    static Saved read(DataInput in) throws IOException {
        long steps = in.readLong();
        double[] first = StateIO.readDoubles(in);
        double[] second = StateIO.readDoubles(in);
        if (first.length != second.length || steps < 0) {
            throw new IOException("corrupt Adam state: moments of lengths " + first.length + " and " + second.length
                    + " after " + steps + " steps");
        }
        for (int i = 0; i < first.length; i++) {
            if (!Double.isFinite(first[i]) || !Double.isFinite(second[i]) || second[i] < 0) {
                throw new IOException("corrupt Adam state: moment " + i + " is " + first[i] + " / " + second[i]);
            }
        }
        return new Saved(steps, first, second);
    }

    /** Takes a state {@link #read} read. */
    void restore(Saved saved) {
        steps = saved.steps();
        m = saved.m().length == 0 ? null : saved.m();
        v = saved.v().length == 0 ? null : saved.v();
    }
}
