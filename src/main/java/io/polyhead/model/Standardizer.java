package io.polyhead.model;

/**
 * Online feature standardisation: running mean and variance per input (Welford's algorithm), so raw
 * features of very different scales share one learning rate. Values are clipped to ±{@link #CLIP}
 * standard deviations to keep a single outlier from throwing the trunk.
 *
 * <p>Prequential use: {@link #transform} a batch with the statistics as they are, then {@link #update}
 * with the same raw values.
 */
public final class Standardizer {
    /** Clip standardised values to this many standard deviations. */
    public static final double CLIP = 8.0;

    private final int dim;
    private final boolean enabled;
    private long count;
    private final double[] mean;
    private final double[] m2;
    /** Scratch: the standard deviations of one {@link #transform}. */
    private final double[] sd;

    /**
     * @param dim     number of features, at least 1
     * @param enabled when false, {@link #transform} copies values unchanged
     */
    public Standardizer(int dim, boolean enabled) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be at least 1. Got: " + dim);
        }
        this.dim = dim;
        this.enabled = enabled;
        this.mean = new double[dim];
        this.m2 = new double[dim];
        this.sd = new double[dim];
    }

    /**
     * Writes the standardised {@code rows} consecutive rows of {@code src} to {@code dst}, all with the
     * statistics as they are now (the standard deviations are worked out once, not once per row).
     */
    public void transform(float[] src, float[] dst, int rows) {
        if (!enabled) {
            System.arraycopy(src, 0, dst, 0, rows * dim);
            return;
        }
        // Before two observations the variance is unknown: centre only.
        for (int j = 0; j < dim; j++) {
            sd[j] = count < 2 ? 1.0 : Math.sqrt(m2[j] / (count - 1));
        }
        for (int r = 0; r < rows; r++) {
            int off = r * dim;
            for (int j = 0; j < dim; j++) {
                double centred = src[off + j] - mean[j];
                double z = sd[j] > 1e-8 ? centred / sd[j] : 0.0;
                dst[off + j] = (float) Math.max(-CLIP, Math.min(CLIP, z));
            }
        }
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
     * Writes row {@code src[off .. off+dim)} standardised with this standardiser's statistics, shrunk
     * toward {@code prior}'s as if the prior were {@code priorCount} more observations (the pooled mean
     * and variance of the two groups), into {@code dst[dstOff ..]}, clipped to ±{@link #CLIP}.
     *
     * <p>This is how a task's own statistics take over from the stream's: a task that has seen few events
     * is scaled mostly like the stream, one that has seen many by its own features' means and spreads —
     * which on a stream of tasks with different named features and scales are nothing like the
     * stream's (a feature absent from most events is zero in them).
     *
     * @param prior the statistics to shrink toward. May be null: this one's alone.
     */
    public void transformRow(float[] src, int off, double[] dst, int dstOff, Standardizer prior, double priorCount) {
        if (!enabled) {
            for (int j = 0; j < dim; j++) {
                dst[dstOff + j] = src[off + j];
            }
            return;
        }
        double n = count;
        double k = prior == null ? 0 : prior.count < 2 ? 0 : priorCount;
        double total = n + k;
        for (int j = 0; j < dim; j++) {
            double mu;
            double var;
            if (k == 0) {
                mu = mean[j];
                var = n < 2 ? 1.0 : m2[j] / (n - 1);
            } else {
                double priorMean = prior.mean[j];
                double priorVar = prior.m2[j] / (prior.count - 1);
                double gap = mean[j] - priorMean;
                mu = (n * mean[j] + k * priorMean) / total;
                var = (m2[j] + k * priorVar + (n * k / total) * gap * gap) / total;
            }
            double sdj = Math.sqrt(var);
            double z = sdj > 1e-8 ? (src[off + j] - mu) / sdj : 0.0;
            dst[dstOff + j] = Math.max(-CLIP, Math.min(CLIP, z));
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

    void restore(long count, double[] mean, double[] m2) {
        this.count = count;
        System.arraycopy(mean, 0, this.mean, 0, dim);
        System.arraycopy(m2, 0, this.m2, 0, dim);
    }
}
