package io.polyhead.model;

/**
 * The running mean and spread of one regression task's labels, so that its heads learn and predict a
 * standardised target and the prediction is mapped back to the label's own units — the adaptive
 * rescaling of targets in van Hasselt et al. 2016 ("Learning values across many orders of magnitude",
 * the ART half of Pop-Art). Without it a task whose labels are on a raw scale (tens to hundreds) sends
 * the trunk gradients hundreds of times those of the classifiers beside it, and its heads start far
 * from the labels.
 *
 * <p>Prequential use: predict with the statistics as they are ({@link #toLabel}), then {@link #update}
 * with the label and learn from {@link #standardise} of it.
 *
 * <p>Not thread-safe.
 */
public final class TargetScale {
    private long count;
    private double mean;
    private double m2;

    /** Labels seen. */
    public long count() {
        return count;
    }

    /** Mean of the labels seen; 0 before any. */
    public double mean() {
        return mean;
    }

    /**
     * Standard deviation of the labels seen: 1 before two labels, and never below a millionth of the
     * mean's size (labels that never vary would otherwise divide by zero).
     */
    public double sd() {
        if (count < 2) {
            return 1.0;
        }
        double sd = Math.sqrt(m2 / (count - 1));
        return Math.max(sd, 1e-6 * Math.max(1.0, Math.abs(mean)));
    }

    /** Adds one label (Welford's algorithm). */
    public void update(double label) {
        count++;
        double delta = label - mean;
        mean += delta / count;
        m2 += delta * (label - mean);
    }

    /** The label in standard units: {@code (label − mean) / sd}. */
    public double standardise(double label) {
        return (label - mean) / sd();
    }

    /** A standardised output in the label's units: {@code mean + sd · z}. */
    public double toLabel(double z) {
        return mean + sd() * z;
    }

    double m2() {
        return m2;
    }

    void restore(long count, double mean, double m2) {
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }
}
