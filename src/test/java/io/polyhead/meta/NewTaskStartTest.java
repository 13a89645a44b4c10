package io.polyhead.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewTaskStartTest {
    private static final double[] UNIFORM = {1.0 / 3, 1.0 / 3, 1.0 / 3};

    /** One input, basis along the input's weight: head = mean + c · (1, 0). */
    private static NewTaskStart rankOne(double spread) {
        return new NewTaskStart(1, new double[] {0.5, 0}, new double[][] {{1, 0}}, new double[] {spread}, false, UNIFORM);
    }

    @Test
    void subspaceCoordinatesFollowRecursiveLeastSquaresByHand() {
        NewTaskStart s = rankOne(2.0);
        double[] x = {3};
        double[] z = new double[3];
        s.outputs(x, 0, z);
        assertEquals(0.0, z[0], 0.0);   // zero head
        assertEquals(1.5, z[1], 1e-12); // mean head: 0.5 * 3
        assertEquals(1.5, z[2], 1e-12); // subspace starts at the mean
        double y = 6; // the task's weight is 2
        double[] losses = new double[3];
        double[] deltas = new double[3];
        for (int k = 0; k < 3; k++) {
            losses[k] = (z[k] - y) * (z[k] - y);
            deltas[k] = 2 * (y - z[k]);
        }
        s.learn(x, 0, losses, deltas);
        // RLS: p = b . [x, 1] = 3; P = spread^2 = 4; noise = 0.1 * 4 = 0.4;
        // gain = P p / (noise + p P p) = 12 / 36.4; c = gain * (y - z) = 12 / 36.4 * 4.5
        double c = 12 / 36.4 * 4.5;
        s.outputs(x, 0, z);
        assertEquals(1.5 + 3 * c, z[2], 1e-12);
        // NLMS on the mean head: step 0.25 * 9 / (1 + 9) = 0.225, times x on the weight, 1 on the bias
        assertEquals(1.5 + 0.225 * 3 * 3 + 0.225, z[1], 1e-12);
    }

    @Test
    void keepsTheZeroStartWhenThePriorIsWrong() {
        // The prior mean says weight +2; the task's weight is -2 and the subspace knows no other direction.
        NewTaskStart s = new NewTaskStart(1, new double[] {2, 0}, new double[0][], new double[0], false, UNIFORM);
        double[] z = new double[3];
        for (int i = 0; i < NewTaskStart.WINDOW; i++) {
            double x = (i % 5) - 2.0;
            double y = -2 * x;
            s.outputs(new double[] {x}, 0, z);
            double[] losses = new double[3];
            double[] deltas = new double[3];
            for (int k = 0; k < 3; k++) {
                losses[k] = (z[k] - y) * (z[k] - y);
                deltas[k] = 2 * (y - z[k]);
            }
            s.learn(new double[] {x}, 0, losses, deltas);
        }
        assertFalse(s.active());
        assertEquals(NewTaskStart.Kind.ZERO.ordinal(), s.best());
        assertTrue(s.meanLoss(NewTaskStart.Kind.ZERO) < s.meanLoss(NewTaskStart.Kind.MEAN));
    }

    @Test
    void blendIsThePriorBeforeAnyLabelThenExponentialWeightsOnSummedLosses() {
        double[] prior = {0.2, 0.3, 0.5};
        NewTaskStart regression = new NewTaskStart(1, new double[] {0.5, 0}, new double[][] {{1, 0}},
                new double[] {1.0}, false, prior);
        double[] w = new double[3];
        regression.blendWeights(w);
        assertArrayEquals(prior, w, 1e-15);
        // Two labels with losses (4, 1, 0.5) and (2, 1, 0.5): sums (6, 2, 1). Squared loss: η = 2 labels /
        // the best sum 1 = 2, weights ∝ π_k exp(−2 (L_k − 1)) = (0.2 e^{-10}, 0.3 e^{-2}, 0.5).
        regression.learn(new double[] {1}, 0, new double[] {4, 1, 0.5}, new double[3]);
        regression.learn(new double[] {1}, 0, new double[] {2, 1, 0.5}, new double[3]);
        regression.blendWeights(w);
        double[] expected = {0.2 * Math.exp(-10), 0.3 * Math.exp(-2), 0.5};
        double total = expected[0] + expected[1] + expected[2];
        assertArrayEquals(new double[] {expected[0] / total, expected[1] / total, expected[2] / total}, w, 1e-15);

        // Log loss: η = 1 whatever the scale, so the weights are the Bayesian posterior over the candidates.
        NewTaskStart binary = new NewTaskStart(1, new double[] {0.5, 0}, new double[][] {{1, 0}},
                new double[] {1.0}, true, prior);
        binary.learn(new double[] {1}, 0, new double[] {0.7, 0.2, 1.5}, new double[3]);
        binary.blendWeights(w);
        expected = new double[] {0.2 * Math.exp(-0.5), 0.3, 0.5 * Math.exp(-1.3)};
        total = expected[0] + expected[1] + expected[2];
        assertArrayEquals(new double[] {expected[0] / total, expected[1] / total, expected[2] / total}, w, 1e-15);
        assertEquals(NewTaskStart.Kind.MEAN.ordinal(), binary.best());
    }

    @Test
    void priorWeightsMultiplyEachEarlierTasksLossRatios() {
        assertArrayEquals(UNIFORM, NewTaskStart.priorWeights(List.of()), 1e-15);
        // Ratios to the zero start: task 1 (1, 2, 0.5), task 2 (1, 1, 0.25): products (1, 2, 0.125),
        // so π ∝ (1, 1/2, 8) = (0.125, 0.0625, 1) / 1.1875. An entry with a zero loss is skipped.
        double[] pi = NewTaskStart.priorWeights(List.of(new double[] {0, 1, 1}, new double[] {2, 4, 1},
                new double[] {4, 4, 1}));
        assertArrayEquals(new double[] {0.125 / 1.1875, 0.0625 / 1.1875, 1 / 1.1875}, pi, 1e-12);
        // Only the most recent 16 tasks count: 16 where the subspace lost 2x hide an older one it won 1000x.
        List<double[]> many = new ArrayList<>();
        many.add(new double[] {1, 1, 0.001});
        for (int i = 0; i < 16; i++) {
            many.add(new double[] {1, 1, 2});
        }
        pi = NewTaskStart.priorWeights(many);
        assertEquals(Math.pow(2, -16) / (2 + Math.pow(2, -16)), pi[2], 1e-15);
    }
}
