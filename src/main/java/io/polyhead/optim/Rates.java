package io.polyhead.optim;

/** Argument checks shared by the optimisers. */
final class Rates {
    private Rates() {
    }

    static double checkRate(String what, double rate) {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException(what + " must be positive and finite. Got: " + rate);
        }
        return rate;
    }
}
