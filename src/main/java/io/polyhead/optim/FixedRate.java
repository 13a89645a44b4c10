package io.polyhead.optim;

/** Plain SGD on a head with one fixed rate: {@code w ← w + η δ x}, bias {@code b ← b + η δ}. */
public final class FixedRate implements HeadRate {
    private final double rate;

    /** @param rate η, positive and finite */
    public FixedRate(double rate) {
        this.rate = Rates.checkRate("head learning rate", rate);
    }

    @Override
    public void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta) {
        addScaled(w, wOff, x, xOff, n, rate * delta);
    }

    /** {@code w[0..n) += step · x}, and the bias {@code w[n] += step}: the SGD move of one head row. */
    public static void addScaled(double[] w, int wOff, double[] x, int xOff, int n, double step) {
        for (int j = 0; j < n; j++) {
            w[wOff + j] += step * x[xOff + j];
        }
        w[wOff + n] += step;
    }

    @Override
    public double meanRate() {
        return rate;
    }
}
