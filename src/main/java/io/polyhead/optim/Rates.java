package io.polyhead.optim;

/** Argument checks shared by the optimisers and the learner's configuration. */
public final class Rates {
    private Rates() {
    }

    /** Returns {@code rate} when it is positive and finite, else throws naming {@code what}. */
    public static double checkRate(String what, double rate) {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException(what + " must be positive and finite. Got: " + rate);
        }
        return rate;
    }
}
