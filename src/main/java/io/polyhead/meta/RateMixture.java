package io.polyhead.meta;

import io.polyhead.optim.StateIO;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A head's learning rate, chosen for its whole life by a Bayesian mixture: the head is learned at
 * each of a few rates side by side ({@link #ratesFor}), and its answer is the mixture of those copies weighted by
 * {@code π_c exp(−η L_c)}, where {@code L_c} is copy c's discounted sum of prequential losses
 * ({@link #DISCOUNT} per label, a memory of about 1,000 labels, so the weights follow the rate that
 * suits the task now: a high one while its head is far off, a lower one as it settles; measured on
 * sinusoid, a memory of 100 labels switched too eagerly: second-half loss 0.041 against 0.013). For log loss
 * {@code η = 1} (Bayesian model averaging, whose log loss exceeds the best copy's by at most
 * {@code ln(1/π_best)} over any stretch the discount remembers); for squared loss {@code η} is 1 over
 * the best copy's discounted mean loss, as in {@link NewTaskStart}, so the weights do not depend on the
 * label's scale. The prior {@code π} gives half its weight to the rate nearest the configured
 * {@code --head-lr} and shares the rest: the configured rate is where the choice starts, not what it
 * ends at.
 *
 * <p>Why a mixture and not a rate per weight: on the letters stream the best fixed rate of a grid was
 * 0.213 in loss against 0.363 for the default, and Autostep (per weight) reached 0.237; heads are small
 * (tens to hundreds of weights), so running a few copies costs little next to the trunk.
 *
 * <p>Not thread-safe.
 */
public final class RateMixture {
    /**
     * The copies' normalised rates for classifiers (NLMS: the fraction of {@code δ = y − p} one step
     * moves the output by). On the letters stream the best fixed rate was 2. Three copies, not four
     * (0.02 as well): the same figures within their spread over stream seeds, and the meta-learner's
     * cost in bench core at batch 256 fell from 29% to about 15%.
     */
    static final double[] RATES = {0.1, 0.5, 2};
    /**
     * The copies' rates for regression heads ({@code δ = 2(y − z)}, so a rate r corrects 2r of the error).
     * Lower than the classifiers': the trunk learns through the fastest copy, and regression copies fast
     * enough to land on each label (0.3 and up) fed it the noise of heads that chase single events
     * (lowrank second-half loss 0.097 against 0.037 with rates up to 0.05). The fastest copy, the one the
     * trunk learns through, is what matters (the slower two changed nothing measurable), and it trades two
     * bounds against each other since the trunk is 128-128 with spread first-layer biases, measured with
     * stream seed 1 (20 tasks, 50k events): up to 0.05, {@code sinusoid}'s every starting head rate ended
     * 1.46x the best fixed one (0.2); up to 0.2, 0.91x, but {@code lowrank} regression from a trunk rate of
     * 1e-4 ended 1.8x the best fixed trunk rate; 0.1 gave 1.13x and 1.10x, 0.11 1.06x and 1.14x (bounds
     * 1.10 and 1.15), 0.12 1.05x and 1.20x. With stream seeds 2 and 3, 0.11 gave 1.04x and 1.08x, and 1.24x
     * and 1.15x: the trunk-rate bound on {@code lowrank} holds on seed 1 only.
     */
    static final double[] REGRESSION_RATES = {0.02, 0.05, 0.11};
    /** Discount of the loss sums per label. */
    static final double DISCOUNT = 0.999;

    private final double[] rates;
    private final double[] prior;
    private final boolean logLoss;
    private final double[] lossSum;
    private double count;
    /** {@link #weights} as of the last update, worked out once per label rather than per prediction. */
    private final double[] weights;

    /**
     * @param startRate the configured head rate: the prior's favourite is the nearest of the rates
     * @param logLoss   whether the head's loss is log loss or cross-entropy (else squared loss)
     */
    public RateMixture(double startRate, boolean logLoss) {
        this.logLoss = logLoss;
        this.rates = ratesFor(logLoss);
        this.prior = new double[rates.length];
        this.lossSum = new double[rates.length];
        this.weights = new double[rates.length];
        int nearest = nearest(rates, startRate);
        for (int c = 0; c < rates.length; c++) {
            prior[c] = c == nearest ? 0.5 : 0.5 / (rates.length - 1);
        }
        refresh();
    }

    /** The copies' rates for a head of log loss (classifiers) or squared loss (regression). A copy. */
    public static double[] ratesFor(boolean logLoss) {
        return (logLoss ? RATES : REGRESSION_RATES).clone();
    }

    /** The rates of this mixture's copies. A copy. */
    public double[] rates() {
        return rates.clone();
    }

    /** The index of the rate nearest {@code rate} on a log scale. */
    static int nearest(double[] rates, double rate) {
        int best = 0;
        for (int c = 1; c < rates.length; c++) {
            if (Math.abs(Math.log(rates[c] / rate)) < Math.abs(Math.log(rates[best] / rate))) {
                best = c;
            }
        }
        return best;
    }

    /** The copies' weights now, summing to 1. Do not modify. */
    public double[] weights() {
        return weights;
    }

    /** The copy with the largest weight. */
    public int leader() {
        int best = 0;
        for (int c = 1; c < weights.length; c++) {
            if (weights[c] > weights[best]) {
                best = c;
            }
        }
        return best;
    }

    /** The weighted mean rate in force, for reports and metrics. */
    public double meanRate() {
        double r = 0;
        for (int c = 0; c < rates.length; c++) {
            r += weights[c] * rates[c];
        }
        return r;
    }

    /** Records each copy's prequential loss on one label (non-finite losses count as very large). */
    public void update(double[] losses) {
        count = DISCOUNT * count + 1;
        for (int c = 0; c < rates.length; c++) {
            double l = Double.isFinite(losses[c]) ? losses[c] : 1e6;
            lossSum[c] = DISCOUNT * lossSum[c] + l;
        }
        refresh();
    }

    private void refresh() {
        double min = Arrays.stream(lossSum).min().orElseThrow();
        double eta = count == 0 ? 0 : logLoss ? 1.0 : count / Math.max(Double.MIN_NORMAL, min);
        double total = 0;
        for (int c = 0; c < rates.length; c++) {
            weights[c] = prior[c] * Math.exp(-eta * (lossSum[c] - min));
            total += weights[c];
        }
        for (int c = 0; c < rates.length; c++) {
            weights[c] /= total;
        }
    }

    /** Writes the loss sums for a snapshot (the prior is the configuration's). */
    public void writeState(DataOutput out) throws IOException {
        out.writeDouble(count);
        StateIO.writeDoubles(out, lossSum);
    }

    /** Reads what {@link #writeState} wrote. */
    public void readState(DataInput in) throws IOException {
        double c = in.readDouble();
        double[] sums = StateIO.readDoubles(in);
        if (sums.length != rates.length) {
            throw new IOException("rate mixture has " + sums.length + " rates stored, this build " + rates.length);
        }
        count = c;
        System.arraycopy(sums, 0, lossSum, 0, sums.length);
        refresh();
    }
}
