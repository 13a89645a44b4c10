package io.polyhead.model;

import java.util.List;

/**
 * The running mean and spread of one regression task's labels, so that its heads learn and predict a
 * standardised target and the prediction is mapped back to the label's own units — the adaptive
 * rescaling of targets in van Hasselt et al. 2016 ("Learning values across many orders of magnitude",
 * the ART half of Pop-Art). Without it a task whose labels are on a raw scale (tens to hundreds) sends
 * the trunk gradients hundreds of times those of the classifiers beside it, and its heads start far
 * from the labels.
 *
 * <p>Prequential use: predict with the statistics as they are ({@link #scale}), then {@link #update}
 * with the label and learn from it scaled anew.
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

    /**
     * The mean and standard deviation to scale by, into {@code out[0]} and {@code out[1]}: the
     * {@code prior}'s (all regression tasks' labels together) while this task's mean is within chance
     * of it, this task's own as it departs — weighted as {@link Standardizer#transformRow} weighs
     * features, by the gap between the means in the smaller of the two standard deviations (the
     * variances themselves are not compared: tasks of one family differ in amplitude). Tasks whose labels are alike keep one
     * scale (measured on sinusoid: each task on its own scale tripled the second-half loss, as the
     * trunk then weighs small-amplitude tasks like large ones); a task on a scale of its own (counts of
     * stations beside magnitudes) gets its own.
     *
     * @param prior the labels of every regression task. May be null: this task's alone.
     */
    public void scale(TargetScale prior, double[] out) {
        double w = 1;
        if (prior != null && prior.count >= 2 && count == 0) {
            w = 0; // a task without labels yet is scaled like the others
        } else if (prior != null && prior.count >= 2) {
            // The gap in the smaller of the two spreads: labels of another task on a far larger scale must not
            // make this task's own look alike (one wild task would then set every other task's scale).
            double priorVar = prior.m2 / (prior.count - 1);
            // (Its own spread only from 10 labels on: from two or three it can be tiny by chance, and new
            // sinusoid tasks then took their own scale and doubled their first-10 loss.)
            double var = count < 10 ? priorVar : Math.min(priorVar, m2 / (count - 1));
            double gap = mean - prior.mean;
            double effect = var > 1e-12 ? Math.max(0, gap * gap / var - Standardizer.CHANCE / count)
                    : (gap != 0 ? Double.POSITIVE_INFINITY : 0);
            w = Standardizer.ownWeight(effect);
        }
        if (w == 1 || prior == null) {
            out[0] = mean;
            out[1] = sd();
            return;
        }
        double priorVar = prior.m2 / (prior.count - 1);
        double ownVar = count < 2 ? priorVar : m2 / (count - 1);
        out[0] = w * mean + (1 - w) * prior.mean;
        double sd = Math.sqrt(w * ownVar + (1 - w) * priorVar);
        out[1] = Math.max(sd, 1e-6 * Math.max(1.0, Math.abs(out[0])));
    }

    double m2() {
        return m2;
    }

    boolean finite() {
        return Double.isFinite(mean) && Double.isFinite(m2);
    }

    TargetScale copy() {
        TargetScale c = new TargetScale();
        c.restore(count, mean, m2);
        return c;
    }

    /** Sets these moments to those of all the parts' labels together (parallel moments, exact). */
    void mergeOf(List<TargetScale> parts) {
        long n = 0;
        double sum = 0;
        for (TargetScale p : parts) {
            n += p.count;
            sum += p.count * p.mean;
        }
        double m = n == 0 ? 0 : sum / n;
        double s2 = 0;
        for (TargetScale p : parts) {
            double gap = p.mean - m;
            s2 += p.m2 + p.count * gap * gap;
        }
        restore(n, m, s2);
    }

    void restore(long count, double mean, double m2) {
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }
}
