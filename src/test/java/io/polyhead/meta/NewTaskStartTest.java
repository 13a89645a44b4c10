package io.polyhead.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NewTaskStartTest {

    /** One input, basis along the input's weight: head = mean + c · (1, 0). */
    private static NewTaskStart rankOne(double spread) {
        return new NewTaskStart(1, new double[] {0.5, 0}, new double[][] {{1, 0}}, new double[] {spread}, 0.5);
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
        NewTaskStart s = new NewTaskStart(1, new double[] {2, 0}, new double[0][], new double[0], 0.5);
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
    void blendFavoursTheSubspaceStartBeforeAnyLabelAndThenTheBestRecentLoss() {
        NewTaskStart s = rankOne(1.0);
        double[] w = new double[3];
        s.blendWeights(w);
        assertEquals(16.0 / 18, w[2], 1e-12);
        assertEquals(1.0, w[0] + w[1] + w[2], 1e-12);
    }
}
