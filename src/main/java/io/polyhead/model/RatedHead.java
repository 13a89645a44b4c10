package io.polyhead.model;

import io.polyhead.event.TaskType;
import io.polyhead.meta.RateMixture;
import io.polyhead.optim.NormalizedRate;

/**
 * One head learned at several rates side by side — copies of the same linear map, each with its own
 * step rule — answering with their mixture by a {@link RateMixture}; or, without the meta-learner, a
 * single copy at the configured rate. Every copy steps on every label, so whichever rate the mixture
 * trusts next already has its weights where that rate would have taken them.
 *
 * <p>Not thread-safe.
 */
public final class RatedHead {
    private final Head[] copies;
    private final RateMixture mixture;
    private long steps;

    /**
     * @param copies  heads of one kind and width, with their step rules, slowest first; at least one
     * @param mixture weighs the copies, one weight per copy. Null exactly when there is one copy.
     */
    RatedHead(Head[] copies, RateMixture mixture) {
        if (copies.length == 0 || (mixture == null) != (copies.length == 1)
                || (mixture != null && mixture.weights().length != copies.length)) {
            throw new IllegalArgumentException("a rated head needs one copy without a mixture, or one copy per rate");
        }
        this.copies = copies;
        this.mixture = mixture;
    }

    /** The copy the mixture trusts most (the only one without a mixture). */
    public Head leader() {
        return mixture == null ? copies[0] : copies[mixture.leader()];
    }

    /** The copies, one per rate. Do not modify the array. */
    Head[] copies() {
        return copies;
    }

    /** May be null (one copy). */
    public RateMixture mixture() {
        return mixture;
    }

    public TaskType type() {
        return copies[0].type();
    }

    public int outputs() {
        return copies[0].outputs();
    }

    public int inputs() {
        return copies[0].inputs();
    }

    /** Events answered. */
    public long events() {
        return copies[0].events();
    }

    /** Labeled events learned from. */
    public long labeledEvents() {
        return copies[0].labeledEvents();
    }

    void countEvent(boolean labeled) {
        copies[0].countEvent(labeled);
    }

    /** A copy of the leading copy's weights. */
    public double[] weights() {
        return leader().weights();
    }

    double[] weightArray() {
        return leader().weightArray();
    }

    /** Sets every copy's weights (a new task's chosen start). */
    void setWeights(double[] w) {
        for (Head h : copies) {
            System.arraycopy(w, 0, h.weightArray(), 0, w.length);
        }
    }

    /** The rate in force: the mixture's weighted mean, or the single copy's. */
    public double meanRate() {
        return mixture == null ? copies[0].rate().meanRate() : mixture.meanRate();
    }

    /** Whether every copy's weights are finite. */
    boolean finite() {
        for (Head h : copies) {
            for (double w : h.weightArray()) {
                if (!Double.isFinite(w)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Each copy's outputs into {@code copyOutputs[c]}, its scores ({@link HeadLoss#scores}) into
     * {@code copyScores[c]} and their mixture into {@code out}, for input {@code x[off ..]}. The mixture is written as the leader's scores plus the
     * others' weighted differences from them, so copies that agree give exactly the leader's answer.
     */
    public void scores(double[] x, int off, double[][] copyOutputs, double[][] copyScores, double[] out) {
        int k = outputs();
        for (int c = 0; c < copies.length; c++) {
            copies[c].outputs(x, off, copyOutputs[c]);
            HeadLoss.scores(type(), copyOutputs[c], k, copyScores[c]);
        }
        if (mixture == null) {
            System.arraycopy(copyScores[0], 0, out, 0, k);
            return;
        }
        int lead = mixture.leader();
        double[] w = mixture.weights();
        for (int r = 0; r < k; r++) {
            double s = copyScores[lead][r];
            for (int c = 0; c < copies.length; c++) {
                if (c != lead) {
                    s += w[c] * (copyScores[c][r] - copyScores[lead][r]);
                }
            }
            out[r] = s;
        }
    }

    /** Scratch for {@link #scores}: one row per copy. */
    double[][] newCopyScores() {
        return new double[copies.length][outputs()];
    }

    /** Steps taken: an answer's copy outputs are still current while this has not changed. */
    long steps() {
        return steps;
    }

    /**
     * Learns one label: the mixture takes the copies' prequential losses ({@code copyLosses}, from the
     * scores they answered with), then every copy steps from its current output ({@code copyOutputs}
     * when the caller knows them still current, as {@link #steps} tells; may be null). When {@code dx} is not
     * null, the fastest copy's gradient with respect to its first {@code count} inputs, with each
     * {@code |δ|} bounded by {@code deltaBound}, is added to {@code dx[dxOff ..]}. A copy whose step is refused as non-finite starts over from zero ({@link Head#learn}).
     *
     * @return the copies that started over
     */
    int learn(double[] x, int off, double label, double[] copyLosses, double[][] copyOutputs, double[] dx, int dxOff,
              int count, double deltaBound) {
        steps++;
        if (mixture != null && copyLosses != null) {
            mixture.update(copyLosses);
        }
        int resets = 0;
        // The trunk learns through the fastest copy (the last). Measured against the leading copy and a
        // copy fixed near --head-lr: a trunk fed by whichever copy leads co-adapts with that copy and
        // settles on it, slow or fast; from low trunk rates sinusoid then ended at 0.035 against 0.007,
        // and lowrank at 0.064 against 0.040. Fed by the fastest, every start of either rate ends within
        // 15% of the best, and on the letters the trunk learns what quickly adapting heads can use.
        int fastest = copies.length - 1;
        int k = outputs();
        double normPlusOne = NormalizedRate.squaredNormPlusOne(x, off, inputs());
        for (int c = 0; c < copies.length; c++) {
            Head h = copies[c];
            double[] delta;
            if (copyOutputs != null) {
                double[] probs = new double[k];
                delta = new double[k];
                HeadLoss.scores(type(), copyOutputs[c], k, probs);
                HeadLoss.lossAndDelta(type(), copyOutputs[c], k, label, probs, delta);
            } else {
                delta = h.delta(x, off, label);
            }
            if (dx != null && c == fastest) {
                double[] bounded = new double[delta.length];
                boolean finite = true;
                for (int r = 0; r < delta.length; r++) {
                    bounded[r] = Math.max(-deltaBound, Math.min(deltaBound, delta[r]));
                    finite &= Double.isFinite(bounded[r]);
                }
                if (finite) {
                    h.inputGradient(bounded, dx, dxOff, count);
                }
            }
            if (!h.learn(x, off, delta, normPlusOne)) {
                resets++;
            }
        }
        return resets;
    }
}
