package io.polyhead.optim;

import java.util.function.DoubleSupplier;

/**
 * Normalised LMS ({@link NormalizedRate}) at a rate another rule chooses, read at every step: a task's
 * local head steps at the rate the mixture of its trunk head's copies has in force
 * ({@code meta.RateMixture}), so it is tuned for life by the same evidence without copies of its own.
 * Stateless: the rule it follows keeps the state.
 */
public final class FollowedRate implements HeadRate {
    private final DoubleSupplier rate;

    /** @param rate the rate in force, positive and finite whenever it is read. Never null. */
    public FollowedRate(DoubleSupplier rate) {
        this.rate = rate;
    }

    @Override
    public void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta) {
        update(row, w, wOff, x, xOff, n, delta, NormalizedRate.squaredNormPlusOne(x, xOff, n));
    }

    @Override
    public void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta, double normPlusOne) {
        FixedRate.addScaled(w, wOff, x, xOff, n, rate.getAsDouble() * delta / normPlusOne);
    }

    @Override
    public double meanRate() {
        return rate.getAsDouble();
    }
}
