package io.polyhead.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The shared trunk: a multilayer perceptron with ReLU after every layer, on ND4J. All weights and
 * biases live in one flat row vector ({@link #params()}) and the gradient in another of the same
 * layout ({@link #gradient()}), so optimisers and trunk averaging act on a single vector.
 *
 * <p>Shapes: a batch is {@code n × inputDim}; layer {@code l} has weights {@code in × out} and bias
 * {@code 1 × out}. With no hidden widths the trunk is the identity and has no parameters.
 *
 * <p>Not thread-safe: one trunk serves one learner.
 */
public final class Trunk {
    private final int[] widths;
    private final DataType dataType;
    private final INDArray params;
    private final INDArray gradient;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final INDArray[] weightGrads;
    private final INDArray[] biasGrads;

    /** Activations of one forward pass, kept for the backward pass. */
    public static final class Pass {
        private final INDArray[] activations;

        private Pass(INDArray[] activations) {
            this.activations = activations;
        }

        /** The trunk's output, {@code n × outputDim}, after the last ReLU. Never null. */
        public INDArray output() {
            return activations[activations.length - 1];
        }

        /** Rows in the batch. */
        public int rows() {
            return (int) activations[0].rows();
        }
    }

    /**
     * A trunk with He-normal initial weights (He et al. 2015) and zero biases.
     *
     * @param inputDim input features, at least 1
     * @param hidden   widths of the hidden layers, each at least 1; may be empty (identity trunk)
     * @param dataType FLOAT for learning, DOUBLE for gradient checks
     * @param seed     seeds the initial weights
     */
    public Trunk(int inputDim, int[] hidden, DataType dataType, long seed) {
        if (inputDim < 1) {
            throw new IllegalArgumentException("input dimension must be at least 1. Got: " + inputDim);
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden widths must be at least 1. Got: " + Arrays.toString(hidden));
            }
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("trunk data type must be FLOAT or DOUBLE. Got: " + dataType);
        }
        this.dataType = dataType;
        this.widths = new int[hidden.length + 1];
        widths[0] = inputDim;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        int layers = hidden.length;
        long size = 0;
        for (int l = 0; l < layers; l++) {
            size += (long) widths[l] * widths[l + 1] + widths[l + 1];
        }
        // An identity trunk still gets a 1-element vector so optimisers have something to hold.
        long stored = Math.max(size, 1);
        this.params = Nd4j.zeros(dataType, 1, stored);
        this.gradient = Nd4j.zeros(dataType, 1, stored);
        this.weights = new INDArray[layers];
        this.biases = new INDArray[layers];
        this.weightGrads = new INDArray[layers];
        this.biasGrads = new INDArray[layers];
        long off = 0;
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            weights[l] = view(params, off, in, out);
            weightGrads[l] = view(gradient, off, in, out);
            off += (long) in * out;
            biases[l] = view(params, off, 1, out);
            biasGrads[l] = view(gradient, off, 1, out);
            off += out;
        }
        initialise(seed);
    }

    private static INDArray view(INDArray flat, long off, int rows, int cols) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(off, off + (long) rows * cols))
                .reshape('c', rows, cols);
    }

    private void initialise(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < weights.length; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double sd = Math.sqrt(2.0 / in);
            double[] w = new double[in * out];
            for (int i = 0; i < w.length; i++) {
                w[i] = gaussian(random) * sd;
            }
            weights[l].assign(Nd4j.createFromArray(w).reshape('c', in, out).castTo(dataType));
        }
    }

    static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Input features. */
    public int inputDim() {
        return widths[0];
    }

    /** Output features: the last hidden width, or the input dimension for an identity trunk. */
    public int outputDim() {
        return widths[widths.length - 1];
    }

    /** Hidden widths (a copy). */
    public int[] hidden() {
        return Arrays.copyOfRange(widths, 1, widths.length);
    }

    public DataType dataType() {
        return dataType;
    }

    /** Number of trainable parameters (0 for an identity trunk). */
    public long parameterCount() {
        long n = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            n += (long) widths[l] * widths[l + 1] + widths[l + 1];
        }
        return n;
    }

    /** The flat parameter vector, {@code 1 × max(1, parameterCount())}. Live: writes change the trunk. */
    public INDArray params() {
        return params;
    }

    /** The flat gradient written by {@link #backward}, same layout as {@link #params()}. */
    public INDArray gradient() {
        return gradient;
    }

    /** Runs a batch {@code x} ({@code n × inputDim}, this trunk's data type) through the layers. */
    public Pass forward(INDArray x) {
        INDArray[] acts = new INDArray[widths.length];
        acts[0] = x;
        for (int l = 0; l < weights.length; l++) {
            INDArray z = Nd4j.create(dataType, new long[] {x.rows(), widths[l + 1]}, 'c');
            Nd4j.gemm(acts[l], weights[l], z, false, false, 1.0, 0.0);
            z.addiRowVector(biases[l]);
            acts[l + 1] = Transforms.relu(z, false);
        }
        return new Pass(acts);
    }

    /**
     * Back-propagates {@code dOutput} (∂loss/∂output, {@code n × outputDim}; consumed) and writes
     * {@code scale ×} the parameter gradient into {@link #gradient()}.
     */
    public void backward(Pass pass, INDArray dOutput, double scale) {
        INDArray[] acts = pass.activations;
        INDArray dA = dOutput;
        for (int l = weights.length - 1; l >= 0; l--) {
            // ReLU passes gradient where its output was positive.
            INDArray dZ = dA.muli(Transforms.step(acts[l + 1], true));
            Nd4j.gemm(acts[l], dZ, weightGrads[l], true, false, scale, 0.0);
            biasGrads[l].assign(dZ.sum(true, 0).muli(scale));
            if (l > 0) {
                INDArray prev = Nd4j.create(dataType, new long[] {dZ.rows(), widths[l]}, 'c');
                Nd4j.gemm(dZ, weights[l], prev, false, true, 1.0, 0.0);
                dA = prev;
            }
        }
    }
}
