package io.polyhead.model;

import io.polyhead.event.TaskType;
import io.polyhead.optim.HeadRate;
import io.polyhead.optim.NormalizedRate;
import java.util.Arrays;

/**
 * One task's head: a linear map from the head input (trunk features, optionally followed by the
 * standardised raw features) to one output per class (one for regression and binary). Weights are
 * stored row by row, each row {@code inputs} weights followed by a bias.
 *
 * <p>Not thread-safe.
 */
public final class Head {
    private final TaskType type;
    private final int outputs;
    private final int inputs;
    private final double[] weights;
    private final HeadRate rate;
    private long events;
    private long labeledEvents;
    /** One row's weights before a step (scratch for {@link #learn}). */
    private double[] scratch = new double[0];

    /**
     * @param type    head kind. Never null.
     * @param outputs 1 for regression and binary, the number of classes (at least 2) for multiclass
     * @param inputs  head input width, at least 1
     * @param weights initial weights, {@code outputs × (inputs + 1)}; copied. May be null for zeros.
     * @param rate    the step rule, owned by this head. Never null.
     */
    public Head(TaskType type, int outputs, int inputs, double[] weights, HeadRate rate) {
        int expected = type == TaskType.MULTICLASS ? outputs : 1;
        if (outputs != expected || outputs < 1 || (type == TaskType.MULTICLASS && outputs < 2)) {
            throw new IllegalArgumentException("a " + type.jsonName() + " head cannot have " + outputs + " outputs");
        }
        if (inputs < 1) {
            throw new IllegalArgumentException("head input width must be at least 1. Got: " + inputs);
        }
        this.type = type;
        this.outputs = outputs;
        this.inputs = inputs;
        int size = outputs * (inputs + 1);
        if (weights != null && weights.length != size) {
            throw new IllegalArgumentException("head weights must have " + size + " values. Got: " + weights.length);
        }
        this.weights = weights == null ? new double[size] : weights.clone();
        this.rate = rate;
    }

    public TaskType type() {
        return type;
    }

    /** Outputs: 1, or the number of classes for multiclass. */
    public int outputs() {
        return outputs;
    }

    /** Input width (without the bias). */
    public int inputs() {
        return inputs;
    }

    /** The classes of a multiclass head, else 0. */
    public int classes() {
        return type == TaskType.MULTICLASS ? outputs : 0;
    }

    public HeadRate rate() {
        return rate;
    }

    /** Events this head answered (labeled or not). */
    public long events() {
        return events;
    }

    /** Labeled events this head learned from. */
    public long labeledEvents() {
        return labeledEvents;
    }

    void countEvent(boolean labeled) {
        events++;
        if (labeled) {
            labeledEvents++;
        }
    }

    void restoreCounts(long events, long labeledEvents) {
        this.events = events;
        this.labeledEvents = labeledEvents;
    }

    /** A copy of the weights, {@code outputs × (inputs + 1)} row by row. */
    public double[] weights() {
        return weights.clone();
    }

    double[] weightArray() {
        return weights;
    }

    /** Writes the outputs for input {@code x[off .. off+inputs)} into {@code z[0 .. outputs)}. */
    public void outputs(double[] x, int off, double[] z) {
        int stride = inputs + 1;
        for (int r = 0; r < outputs; r++) {
            int w = r * stride;
            double s = weights[w + inputs];
            for (int j = 0; j < inputs; j++) {
                s += weights[w + j] * x[off + j];
            }
            z[r] = s;
        }
    }

    /**
     * {@code δ = −∂loss/∂z} at this head's current output for input {@code x[off ..]} and {@code label}
     * (in the head's own units: a regression head's standardised label). A new array.
     */
    public double[] delta(double[] x, int off, double label) {
        double[] z = new double[outputs];
        double[] probs = new double[outputs];
        double[] delta = new double[outputs];
        outputs(x, off, z);
        HeadLoss.scores(type, z, outputs, probs);
        HeadLoss.lossAndDelta(type, z, outputs, label, probs, delta);
        return delta;
    }

    /**
     * Adds {@code ∂loss/∂x_j = −Σ_r delta_r w_rj} for the first {@code count} inputs to
     * {@code dx[dxOff ..]}: the gradient this head sends back into the trunk.
     */
    public void inputGradient(double[] delta, double[] dx, int dxOff, int count) {
        int stride = inputs + 1;
        for (int r = 0; r < outputs; r++) {
            double d = delta[r];
            if (d == 0) {
                continue;
            }
            int w = r * stride;
            for (int j = 0; j < count; j++) {
                dx[dxOff + j] -= d * weights[w + j];
            }
        }
    }

    /**
     * One step of the head's rule for input {@code x[off ..]} and {@code delta = −∂loss/∂z}, guarded:
     * <ul>
     *   <li>a regression head (squared loss, {@code delta = 2(y − z)}) never steps past its target: when
     *       a rule's step would move the output further than the error {@code y − z}, the step is
     *       shortened to land on it (the overshoot bound Autostep applies, here for every rule and rate —
     *       without it NLMS at a rate above 1 multiplies the error by {@code 1 − 2η} each step and
     *       diverges);</li>
     *   <li>a step that would leave a weight non-finite is refused, and the head starts over from zero
     *       (one task's trouble stays its own).</li>
     * </ul>
     *
     * @return false when the step was refused (non-finite delta or weights) and the head reset, true otherwise
     */
    public boolean learn(double[] x, int off, double[] delta) {
        return learn(x, off, delta, NormalizedRate.squaredNormPlusOne(x, off, inputs));
    }

    /** As {@link #learn(double[], int, double[])}, given {@code 1 + ‖x‖²} for the input row. */
    boolean learn(double[] x, int off, double[] delta, double normPlusOne) {
        int stride = inputs + 1;
        boolean regression = type == TaskType.REGRESSION;
        double[] before = !regression ? null : scratch.length == stride ? scratch : (scratch = new double[stride]);
        for (int r = 0; r < outputs; r++) {
            double d = delta[r];
            if (!Double.isFinite(d)) {
                reset();
                return false;
            }
            int w = r * stride;
            if (regression) {
                System.arraycopy(weights, w, before, 0, stride);
            }
            rate.update(r, weights, w, x, off, inputs, d, normPlusOne);
            if (regression) {
                double moved = weights[w + inputs] - before[inputs];
                for (int j = 0; j < inputs; j++) {
                    moved += (weights[w + j] - before[j]) * x[off + j];
                }
                double error = d / 2;
                if (Math.abs(moved) > Math.abs(error)) {
                    double scale = Math.abs(error) / Math.abs(moved);
                    for (int j = 0; j <= inputs; j++) {
                        weights[w + j] = before[j] + scale * (weights[w + j] - before[j]);
                    }
                }
            }
            // One sum tells whether any weight went infinite or NaN (or so large that the sum overflows).
            double sum = 0;
            for (int j = 0; j <= inputs; j++) {
                sum += weights[w + j];
            }
            if (!Double.isFinite(sum)) {
                reset();
                return false;
            }
        }
        return true;
    }

    /** Zeroes the weights: the head starts over (after a step that would have left it non-finite). */
    void reset() {
        Arrays.fill(weights, 0);
    }

    @Override
    public String toString() {
        return "Head{" + type.jsonName() + ", outputs=" + outputs + ", inputs=" + inputs + ", events=" + events
                + ", w[0..3]=" + Arrays.toString(Arrays.copyOf(weights, Math.min(3, weights.length))) + "}";
    }
}
