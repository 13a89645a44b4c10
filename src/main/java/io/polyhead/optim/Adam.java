package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba, 2015, "Adam: A Method for Stochastic Optimization") over the trunk's flat
 * parameter vector, with bias-corrected moments folded into the step size.
 */
public final class Adam implements TrunkOptimizer {
    private final double rate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private INDArray m;
    private INDArray v;
    private long steps;

    /** Adam with the paper's β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public Adam(double rate) {
        this(rate, 0.9, 0.999, 1e-8);
    }

    public Adam(double rate, double beta1, double beta2, double epsilon) {
        this.rate = Rates.checkRate("learning rate", rate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1). Got: " + beta1 + ", " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void step(INDArray params, INDArray gradient) {
        step(params, gradient, rate);
    }

    /** One Adam step with rate {@code eta} instead of the configured one (for rate adaptation). */
    public void step(INDArray params, INDArray gradient, double eta) {
        ensureState(params);
        steps++;
        m.muli(beta1).addi(gradient.mul(1 - beta1));
        v.muli(beta2).addi(gradient.mul(gradient).muli(1 - beta2));
        double stepSize = eta * Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps));
        params.subi(m.div(Transforms.sqrt(v, true).addi(epsilon)).muli(stepSize));
    }

    /**
     * The direction of the last step, {@code u = m̂ / (√v̂ + ε)} up to the bias correction (the step
     * was {@code −η u}); the hypergradient rule needs it. Null before the first step.
     */
    public INDArray lastDirection() {
        if (m == null) {
            return null;
        }
        double correction = Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps));
        return m.div(Transforms.sqrt(v, true).addi(epsilon)).muli(correction);
    }

    private void ensureState(INDArray params) {
        if (m == null) {
            m = params.ulike().assign(0);
            v = params.ulike().assign(0);
        }
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
        out.writeBoolean(m != null);
        if (m != null) {
            NdArrays.write(out, m);
            NdArrays.write(out, v);
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        steps = in.readLong();
        if (in.readBoolean()) {
            m = NdArrays.read(in);
            v = NdArrays.read(in);
        } else {
            m = null;
            v = null;
        }
    }
}
