package io.polyhead.model;

import io.polyhead.event.TaskType;

/**
 * Loss, gradient and prediction of each head kind, from the head's outputs {@code z}:
 * <ul>
 *   <li>regression: prediction {@code z}, squared loss {@code (z − y)²};</li>
 *   <li>binary: {@code p = σ(z)}, log loss {@code −y log p − (1−y) log(1−p)};</li>
 *   <li>multiclass: {@code p = softmax(z)}, cross-entropy {@code −log p_y}.</li>
 * </ul>
 * Each writes {@code delta = −∂loss/∂z}, the direction the head's step rule follows.
 */
public final class HeadLoss {
    private HeadLoss() {
    }

    /**
     * Fills {@code probs} (multiclass: class probabilities; binary: {@code probs[0] = P(1)};
     * regression: {@code probs[0] = z}) from the outputs {@code z[0 .. k)}.
     */
    public static void scores(TaskType type, double[] z, int k, double[] probs) {
        switch (type) {
            case REGRESSION -> probs[0] = z[0];
            case BINARY -> probs[0] = sigmoid(z[0]);
            case MULTICLASS -> softmax(z, k, probs);
            default -> throw new IllegalStateException(type.toString());
        }
    }

    /**
     * The loss of outputs {@code z} for {@code label}, and {@code delta = −∂loss/∂z} into
     * {@code delta[0 .. k)}. {@code probs} must hold what {@link #scores} wrote for the same z.
     */
    public static double lossAndDelta(TaskType type, double[] z, int k, double label, double[] probs,
                                      double[] delta) {
        switch (type) {
            case REGRESSION -> {
                double err = z[0] - label;
                delta[0] = -2 * err;
                return err * err;
            }
            case BINARY -> {
                delta[0] = label - probs[0];
                // log(1 + e^z) − y z, computed without overflow
                double x = z[0];
                double softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
                return softplus - label * x;
            }
            case MULTICLASS -> {
                int y = (int) label;
                double max = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < k; r++) {
                    max = Math.max(max, z[r]);
                }
                double sum = 0;
                for (int r = 0; r < k; r++) {
                    sum += Math.exp(z[r] - max);
                    delta[r] = (r == y ? 1.0 : 0.0) - probs[r];
                }
                return Math.log(sum) + max - z[y];
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }

    /**
     * The loss of already computed scores (as {@link #scores} writes them, possibly a blend of two
     * heads' scores) for {@code label}; probabilities are clipped to [1e-15, 1 − 1e-15].
     */
    public static double lossOfScores(TaskType type, double[] probs, double label) {
        switch (type) {
            case REGRESSION: {
                double err = probs[0] - label;
                return err * err;
            }
            case BINARY: {
                double p = Math.min(Math.max(probs[0], 1e-15), 1 - 1e-15);
                return -(label * Math.log(p) + (1 - label) * Math.log(1 - p));
            }
            default:
                return -Math.log(Math.max(probs[(int) label], 1e-15));
        }
    }

    /** The prediction the contract reports: the value, the class 0/1, or the most probable class. */
    public static double prediction(TaskType type, double[] probs, int k) {
        switch (type) {
            case REGRESSION:
                return probs[0];
            case BINARY:
                return probs[0] >= 0.5 ? 1 : 0;
            default:
                return argmax(probs, k);
        }
    }

    /** The score the contract reports: the value, P(1), or the probability of the predicted class. */
    public static double score(TaskType type, double[] probs, int k) {
        return type == TaskType.MULTICLASS ? probs[argmax(probs, k)] : probs[0];
    }

    static int argmax(double[] a, int k) {
        int best = 0;
        for (int r = 1; r < k; r++) {
            if (a[r] > a[best]) {
                best = r;
            }
        }
        return best;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    static void softmax(double[] z, int k, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < k; r++) {
            max = Math.max(max, z[r]);
        }
        double sum = 0;
        for (int r = 0; r < k; r++) {
            out[r] = Math.exp(z[r] - max);
            sum += out[r];
        }
        for (int r = 0; r < k; r++) {
            out[r] /= sum;
        }
    }
}
