package io.polyhead.optim;

/**
 * SGD with the step normalised by the input's squared norm — normalised least mean squares
 * (Nagumo and Noda 1967; Widrow and Lehr's α-LMS): {@code w ← w + η δ x / (1 + ‖x‖²)} with the bias
 * counted as an input of 1. One step moves the head's output by exactly {@code η δ} whatever the
 * scale or width of its input, so one rate suits heads on 1 feature and on 128, and the step cannot
 * blow up: for squared loss ({@code δ = 2(y − z)}) any {@code η < 1} shrinks the error.
 */
public final class NormalizedRate implements HeadRate {
    private final double rate;

    /** @param rate η, positive and finite; the fraction of {@code δ} one step moves the output by */
    public NormalizedRate(double rate) {
        this.rate = Rates.checkRate("head learning rate", rate);
    }

    @Override
    public void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta) {
        update(row, w, wOff, x, xOff, n, delta, squaredNormPlusOne(x, xOff, n));
    }

    @Override
    public void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta, double normPlusOne) {
        FixedRate.addScaled(w, wOff, x, xOff, n, rate * delta / normPlusOne);
    }

    /** {@code 1 + ‖x‖²} for {@code x[off .. off+n)}: the squared norm with the bias input of 1. */
    public static double squaredNormPlusOne(double[] x, int off, int n) {
        double norm = 1.0;
        for (int j = 0; j < n; j++) {
            norm += x[off + j] * x[off + j];
        }
        return norm;
    }

    @Override
    public double meanRate() {
        return rate;
    }
}
