package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.TaskType;
import io.polyhead.optim.FixedRate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Analytic gradients against central finite differences in double precision: every head kind (with
 * respect to its weights and to its input), and the trunk through a head (the whole chain the learner
 * uses). Relative error must stay below 1e-5.
 */
class GradientCheckTest {
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-5;

    private static double label(TaskType type, SplittableRandom r, int k) {
        return switch (type) {
            case REGRESSION -> r.nextDouble(-2, 2);
            case BINARY -> r.nextInt(2);
            case MULTICLASS -> r.nextInt(k);
        };
    }

    private static double headLoss(Head head, double[] x, double y) {
        int k = head.outputs();
        double[] z = new double[k];
        double[] p = new double[k];
        head.outputs(x, 0, z);
        HeadLoss.scores(head.type(), z, k, p);
        return HeadLoss.lossAndDelta(head.type(), z, k, y, p, new double[k]);
    }

    @ParameterizedTest
    @EnumSource(TaskType.class)
    void headGradientsMatchFiniteDifferences(TaskType type) {
        SplittableRandom r = new SplittableRandom(7);
        int inputs = 6;
        int k = type == TaskType.MULTICLASS ? 4 : 1;
        double[] w = new double[k * (inputs + 1)];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextDouble(-1, 1);
        }
        Head head = new Head(type, k, inputs, w, new FixedRate(0.1));
        double[] x = new double[inputs];
        for (int j = 0; j < inputs; j++) {
            x[j] = r.nextDouble(-1, 1);
        }
        double y = label(type, r, k);

        double[] z = new double[k];
        double[] p = new double[k];
        double[] delta = new double[k];
        head.outputs(x, 0, z);
        HeadLoss.scores(type, z, k, p);
        HeadLoss.lossAndDelta(type, z, k, y, p, delta);

        // ∂loss/∂w_rj = −delta_r x_j, ∂loss/∂b_r = −delta_r
        double[] analytic = new double[w.length];
        for (int row = 0; row < k; row++) {
            for (int j = 0; j < inputs; j++) {
                analytic[row * (inputs + 1) + j] = -delta[row] * x[j];
            }
            analytic[row * (inputs + 1) + inputs] = -delta[row];
        }
        double[] numeric = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double[] plus = w.clone();
            double[] minus = w.clone();
            plus[i] += H;
            minus[i] -= H;
            numeric[i] = (headLoss(new Head(type, k, inputs, plus, new FixedRate(0.1)), x, y)
                    - headLoss(new Head(type, k, inputs, minus, new FixedRate(0.1)), x, y)) / (2 * H);
        }
        assertClose("head weights (" + type + ")", analytic, numeric);

        double[] dx = new double[inputs];
        head.inputGradient(delta, dx, 0, inputs);
        double[] numericX = new double[inputs];
        for (int j = 0; j < inputs; j++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[j] += H;
            minus[j] -= H;
            numericX[j] = (headLoss(head, plus, y) - headLoss(head, minus, y)) / (2 * H);
        }
        assertClose("head input (" + type + ")", dx, numericX);
    }

    @ParameterizedTest
    @EnumSource(TaskType.class)
    void trunkGradientThroughHeadsMatchesFiniteDifferences(TaskType type) {
        SplittableRandom r = new SplittableRandom(11);
        int n = 5;
        int d = 4;
        Trunk trunk = new Trunk(d, new int[] {7, 6}, DataType.DOUBLE, 3);
        int k = type == TaskType.MULTICLASS ? 3 : 1;
        double[] w = new double[k * 7];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextDouble(-1, 1);
        }
        Head head = new Head(type, k, 6, w, new FixedRate(0.1));
        double[] xs = new double[n * d];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextDouble(-2, 2);
        }
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            ys[i] = label(type, r, k);
        }
        double[] x = xs;

        // analytic: heads give ∂loss/∂features, the trunk back-propagates the mean over the batch
        Trunk.Pass pass = trunk.forward(x, n);
        double[] features = pass.output();
        double[] dFeatures = new double[n * 6];
        for (int i = 0; i < n; i++) {
            double[] f = new double[6];
            System.arraycopy(features, i * 6, f, 0, 6);
            double[] z = new double[k];
            double[] p = new double[k];
            double[] delta = new double[k];
            head.outputs(f, 0, z);
            HeadLoss.scores(type, z, k, p);
            HeadLoss.lossAndDelta(type, z, k, ys[i], p, delta);
            head.inputGradient(delta, dFeatures, i * 6, 6);
        }
        trunk.backward(pass, dFeatures, 1.0 / n);
        double[] analytic = trunk.gradient().clone();

        double[] params = trunk.params();
        double[] numeric = new double[analytic.length];
        for (int i = 0; i < numeric.length; i++) {
            double original = params[i];
            params[i] = original + H;
            double plus = meanLoss(trunk, head, x, ys);
            params[i] = original - H;
            double minus = meanLoss(trunk, head, x, ys);
            params[i] = original;
            numeric[i] = (plus - minus) / (2 * H);
        }
        assertClose("trunk through " + type + " head", analytic, numeric);
    }

    @Test
    void identityTrunkHasNoParametersAndPassesInputThrough() {
        Trunk trunk = new Trunk(3, new int[0], DataType.DOUBLE, 1);
        double[] x = {1, -2, 3};
        assertTrue(trunk.parameterCount() == 0);
        assertTrue(java.util.Arrays.equals(x, trunk.forward(x, 1).output()));
    }

    private static double meanLoss(Trunk trunk, Head head, double[] x, double[] ys) {
        int n = ys.length;
        double[] features = trunk.forward(x, n).output();
        int h = trunk.outputDim();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double[] f = new double[h];
            System.arraycopy(features, i * h, f, 0, h);
            sum += headLoss(head, f, ys[i]);
        }
        return sum / n;
    }

    private static void assertClose(String what, double[] analytic, double[] numeric) {
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < analytic.length; i++) {
            double scale = Math.max(Math.max(Math.abs(analytic[i]), Math.abs(numeric[i])), 1e-4);
            double rel = Math.abs(analytic[i] - numeric[i]) / scale;
            if (rel > worst) {
                worst = rel;
                worstAt = i;
            }
        }
        assertTrue(worst < TOLERANCE, what + ": relative error " + worst + " at parameter " + worstAt
                + " (analytic " + (worstAt < 0 ? 0 : analytic[worstAt]) + ", numeric "
                + (worstAt < 0 ? 0 : numeric[worstAt]) + ")");
    }
}
