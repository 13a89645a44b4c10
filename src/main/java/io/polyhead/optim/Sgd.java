package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Plain stochastic gradient descent with a fixed rate: {@code θ ← θ − η g}. */
public final class Sgd implements TrunkOptimizer {
    private final double rate;
    private long steps;

    /** @param rate learning rate η, positive and finite */
    public Sgd(double rate) {
        this.rate = Rates.checkRate("learning rate", rate);
    }

    @Override
    public void step(double[] params, double[] gradient) {
        for (int i = 0; i < params.length; i++) {
            params[i] -= rate * gradient[i];
        }
        steps++;
    }

    @Override
    public double learningRate() {
        return rate;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeLong(steps);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        steps = in.readLong();
    }
}
