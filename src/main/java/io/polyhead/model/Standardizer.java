package io.polyhead.model;

/**
 * Online feature standardisation: running mean and variance per input (Welford's algorithm), so raw
 * features of very different scales share one learning rate. Values are clipped to ±{@link #CLIP}
 * standard deviations to keep a single outlier from throwing the trunk.
 *
 * <p>Prequential use: {@link #transform} with the statistics as they are, then {@link #update} with
 * the same raw values.
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
    }

    /** Writes the standardised {@code src[srcOff .. srcOff+dim)} to {@code dst[dstOff ..]}. */
    public void transform(float[] src, int srcOff, float[] dst, int dstOff) {
        if (!enabled) {
            System.arraycopy(src, srcOff, dst, dstOff, dim);
            return;
        }
        for (int j = 0; j < dim; j++) {
            double centred = src[srcOff + j] - mean[j];
            // Before two observations the variance is unknown: centre only.
            double sd = count < 2 ? 1.0 : Math.sqrt(m2[j] / (count - 1));
            double z = sd > 1e-8 ? centred / sd : 0.0;
            dst[dstOff + j] = (float) Math.max(-CLIP, Math.min(CLIP, z));
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
