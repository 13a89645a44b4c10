package io.polyhead.model;

import java.util.List;

/**
 * Online feature standardisation: running mean and variance per input (Welford's algorithm), so raw
 * features of very different scales share one learning rate. Values are clipped to ±{@link #CLIP}
 * standard deviations to keep a single outlier from throwing the trunk.
 *
 * <p>Prequential use: {@link #transformRow} each row of a batch with the statistics as they are, then
 * {@link #update} with the same raw values. The learner keeps one for the stream and one per task.
 */
public final class Standardizer {
    /** Clip standardised values to this many standard deviations. */
    public static final double CLIP = 8.0;

    private final int dim;
    private final boolean enabled;
    private long count;
    private final double[] mean;
    private final double[] m2;

    /**
     * @param dim     number of features, at least 1
     * @param enabled when false, {@link #transformRow} copies values unchanged
     */
    public Standardizer(int dim, boolean enabled) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be at least 1. Got: " + dim);
        }
        this.dim = dim;
        this.enabled = enabled;
        this.mean = new double[dim];
        this.m2 = new double[dim];
    }

    /** Adds one observation {@code src[off .. off+dim)} to the running statistics. */
    public void update(float[] src, int off) {
        if (!enabled) {
            return;
        }
        count++;
        for (int j = 0; j < dim; j++) {
            double x = src[off + j];
            double delta = x - mean[j];
            mean[j] += delta / count;
            m2[j] += delta * (x - mean[j]);
        }
    }

    /**
     * How unlike {@code prior}'s (the stream's) this standardiser's features are, as an effect size
     * averaged over the features that vary: per feature the squared gap between the means in the
     * stream's standard deviations, plus the squared log of the ratio of the variances (once there are
     * 10 observations), each less what chance gives it at three standard errors ({@code 9/n} and
     * {@code 9 · 2/(n − 1)}: without that margin a new sinusoid task's first few inputs looked like a
     * scale of its own by chance, and its first-10 loss tripled). About
     * 0 for a task whose features come from the stream's distribution, however many events it has; of
     * order 1 and more for features on another scale or absent (zero) in most of the stream's events.
     */
    double effectSize(Standardizer prior) {
        if (count < 1 || prior.count < 2) {
            return 0;
        }
        double sum = 0;
        int used = 0;
        for (int j = 0; j < dim; j++) {
            double priorVar = prior.m2[j] / (prior.count - 1);
            double gap = mean[j] - prior.mean[j];
            if (!(priorVar > 1e-12)) {
                if (gap != 0) {
                    // A feature the stream never varied: clearly this task's own.
                    sum += 1e6;
                    used++;
                }
                continue;
            }
            double e = Math.max(0, gap * gap / priorVar - CHANCE / count);
            if (count >= 10) {
                double var = m2[j] / (count - 1);
                double logRatio = Math.log(Math.max(var, 1e-12 * priorVar) / priorVar);
                e += Math.max(0, logRatio * logRatio - CHANCE * 2.0 / (count - 1));
            }
            sum += e;
            used++;
        }
        return used == 0 ? 0 : sum / used;
    }

    /** Squared standard errors that chance may give a gap (three standard errors). */
    static final double CHANCE = 9;

    /** Effect sizes up to this are the stream's scale, from {@link #OWN_FROM} on a task's own. */
    static final double SHARED_UP_TO = 0.25;
    static final double OWN_FROM = 1.0;

    /** The weight of a task's own statistics for an effect size: 0, rising linearly to 1. */
    static double ownWeight(double effect) {
        return Math.max(0, Math.min(1, (effect - SHARED_UP_TO) / (OWN_FROM - SHARED_UP_TO)));
    }

    /**
     * Writes row {@code src[off .. off+dim)} standardised into {@code dst[dstOff ..]}, clipped to
     * ±{@link #CLIP}, with the means and variances {@code w · own + (1 − w) · prior's}, where
     * {@code w} is {@link #ownWeight} of the {@link #effectSize}.
     *
     * <p>This is how a task decides between its own scale and the stream's. Tasks that share their
     * features (the same sensors, the same pixels) must share one scale, or the trunk they share sees
     * the same input differently for each of them: measured on sinusoid, scaling each task by its own
     * statistics raised the second-half loss tenfold. Tasks with features of their own (named features
     * absent — zero — in the other tasks' events, other units, hashing collisions) need their own, or
     * their inputs are squashed by other tasks' scales: measured on the heterogeneous real-data stream,
     * the stream's scale cost the vehicle task 15 points of accuracy. The test between the two is how far
     * the task's features sit from the stream's, as an effect size (not a significance: with enough
     * events any small difference is significant, and on sinusoid even a rare own scale cost 20%).
     *
     * @param prior the stream's statistics. May be null: this one's alone.
     */
    public void transformRow(float[] src, int off, double[] dst, int dstOff, Standardizer prior) {
        scaleAgainst(prior).apply(src, off, dst, dstOff);
    }

    /**
     * The means and standard deviations {@link #transformRow} scales by, worked out once: the learner
     * scales every event of a task in a batch by the same statistics (those before the batch), so it
     * takes this once per task and batch rather than the effect size and square roots per event.
     *
     * @param prior the stream's statistics. May be null: this one's alone.
     */
    public Scale scaleAgainst(Standardizer prior) {
        if (!enabled) {
            return new Scale(dim, null, null);
        }
        double w = prior == null || prior.count < 2 ? 1 : ownWeight(effectSize(prior));
        double[] mu = new double[dim];
        double[] sd = new double[dim];
        for (int j = 0; j < dim; j++) {
            double ownVar = count < 2 ? 1.0 : m2[j] / (count - 1);
            mu[j] = mean[j];
            double var = ownVar;
            if (w < 1) {
                double priorVar = prior.m2[j] / (prior.count - 1);
                if (count < 2) {
                    ownVar = priorVar;
                }
                mu[j] = w * mean[j] + (1 - w) * prior.mean[j];
                var = w * ownVar + (1 - w) * priorVar;
            }
            sd[j] = Math.sqrt(var);
        }
        return new Scale(dim, mu, sd);
    }

    /** Means and standard deviations to scale rows by ({@link #scaleAgainst}); null arrays copy rows unchanged. */
    public static final class Scale {
        private final int dim;
        private final double[] mu;
        private final double[] sd;

        private Scale(int dim, double[] mu, double[] sd) {
            this.dim = dim;
            this.mu = mu;
            this.sd = sd;
        }

        /** Writes row {@code src[off ..]} standardised into {@code dst[dstOff ..]}, clipped to ±{@link #CLIP}. */
        public void apply(float[] src, int off, double[] dst, int dstOff) {
            if (mu == null) {
                for (int j = 0; j < dim; j++) {
                    dst[dstOff + j] = src[off + j];
                }
                return;
            }
            for (int j = 0; j < dim; j++) {
                double z = sd[j] > 1e-8 ? (src[off + j] - mu[j]) / sd[j] : 0.0;
                // Rounded to float precision as events carry their features (and as earlier snapshots scaled them).
                dst[dstOff + j] = (float) Math.max(-CLIP, Math.min(CLIP, z));
            }
        }
    }

    public int dimension() {
        return dim;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Observations seen. */
    public long count() {
        return count;
    }

    double[] meanArray() {
        return mean;
    }

    double[] m2Array() {
        return m2;
    }

    /** Whether the moments are finite. */
    boolean finite() {
        for (int j = 0; j < dim; j++) {
            if (!Double.isFinite(mean[j]) || !Double.isFinite(m2[j])) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the moments. */
    Standardizer copy() {
        Standardizer c = new Standardizer(dim, enabled);
        c.restore(count, mean, m2);
        return c;
    }

    /**
     * Sets these moments to those of all the given parts' observations together (Chan, Golub and
     * LeVeque's parallel formula: exact, whatever the order). Parts of another dimension are skipped.
     */
    void mergeOf(List<Standardizer> parts) {
        long n = 0;
        double[] sum = new double[dim];
        for (Standardizer p : parts) {
            if (p.dim != dim) {
                continue;
            }
            n += p.count;
            for (int j = 0; j < dim; j++) {
                sum[j] += p.count * p.mean[j];
            }
        }
        count = n;
        for (int j = 0; j < dim; j++) {
            mean[j] = n == 0 ? 0 : sum[j] / n;
            m2[j] = 0;
        }
        for (Standardizer p : parts) {
            if (p.dim != dim) {
                continue;
            }
            for (int j = 0; j < dim; j++) {
                double gap = p.mean[j] - mean[j];
                m2[j] += p.m2[j] + p.count * gap * gap;
            }
        }
    }

    void restore(long count, double[] mean, double[] m2) {
        this.count = count;
        System.arraycopy(mean, 0, this.mean, 0, dim);
        System.arraycopy(m2, 0, this.m2, 0, dim);
    }
}
