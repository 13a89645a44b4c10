package io.polyhead.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewTaskStartTest {
    private static final int N = NewTaskStart.CANDIDATES;
    private static final int ZERO_05 = NewTaskStart.candidate(NewTaskStart.Kind.ZERO, 0.5);
    private static final int MEAN_05 = NewTaskStart.candidate(NewTaskStart.Kind.MEAN, 0.5);
    private static final int SUBSPACE = NewTaskStart.candidate(NewTaskStart.Kind.SUBSPACE, Double.NaN);

    private static double[] uniform() {
        double[] p = new double[N];
        Arrays.fill(p, 1.0 / N);
        return p;
    }

    /** One input, basis along the input's weight: head = mean + c · (1, 0). */
    private static NewTaskStart rankOne(double spread) {
        return new NewTaskStart(1, new double[] {0.5, 0}, new double[][] {{1, 0}}, new double[] {spread}, false, uniform());
    }

    @Test
    void candidatesAreEveryStartAtEveryRateAndTheSubspace() {
        assertEquals(8, N);
        assertEquals("zero@0.1", NewTaskStart.nameOf(0));
        assertEquals("mean@1.0", NewTaskStart.nameOf(5));
        assertEquals("subspace", NewTaskStart.nameOf(SUBSPACE));
        assertEquals(NewTaskStart.Kind.MEAN, NewTaskStart.kindOf(MEAN_05));
        assertEquals(0.5, NewTaskStart.rateOf(MEAN_05));
        assertTrue(Double.isNaN(NewTaskStart.rateOf(SUBSPACE)));
        assertThrows(IllegalArgumentException.class, () -> NewTaskStart.candidate(NewTaskStart.Kind.ZERO, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new NewTaskStart(1, new double[2], new double[0][],
                new double[0], false, new double[] {1, 1, 1}));
    }

    @Test
    void subspaceCoordinatesFollowRecursiveLeastSquaresByHand() {
        NewTaskStart s = rankOne(2.0);
        double[] x = {3};
        double[] z = new double[N];
        s.outputs(x, 0, z);
        assertEquals(0.0, z[ZERO_05], 0.0);     // zero head
        assertEquals(1.5, z[MEAN_05], 1e-12);   // mean head: 0.5 * 3
        assertEquals(1.5, z[SUBSPACE], 1e-12);   // subspace starts at the mean
        double y = 6; // the task's weight is 2
        double[] losses = new double[N];
        double[] deltas = new double[N];
        for (int k = 0; k < N; k++) {
            losses[k] = (z[k] - y) * (z[k] - y);
            deltas[k] = 2 * (y - z[k]);
        }
        s.learn(x, 0, y, losses, deltas);
        // RLS: p = b . [x, 1] = 3; P = spread^2 = 4; noise = 0.1 * 4 = 0.4;
        // gain = P p / (noise + p P p) = 12 / 36.4; c = gain * (y - z) = 12 / 36.4 * 4.5
        double c = 12 / 36.4 * 4.5;
        s.outputs(x, 0, z);
        assertEquals(1.5 + 3 * c, z[SUBSPACE], 1e-12);
        // NLMS on the mean head at 0.5 of the error y - z = 4.5: step 0.5 * 4.5 / (1 + 9) = 0.225, times x on
        // the weight, 1 on the bias: the output moves by 0.225 * 10 = 2.25, half the error.
        assertEquals(1.5 + 0.225 * 3 * 3 + 0.225, z[MEAN_05], 1e-12);
        // ... and at rate 1 the step is 0.45: the output moves by 4.5, all of the error.
        assertEquals(1.5 + 0.45 * 3 * 3 + 0.45, z[NewTaskStart.candidate(NewTaskStart.Kind.MEAN, 1.0)], 1e-12);
        assertEquals(6.0, z[NewTaskStart.candidate(NewTaskStart.Kind.MEAN, 1.0)], 1e-12);
    }

    @Test
    void keepsAZeroStartWhenThePriorIsWrong() {
        // The prior mean says weight +2; the task's weight is -2 and the subspace knows no other direction.
        NewTaskStart s = new NewTaskStart(1, new double[] {2, 0}, new double[0][], new double[0], false, uniform());
        double[] z = new double[N];
        for (int i = 0; i < NewTaskStart.WINDOW; i++) {
            double x = (i % 5) - 2.0;
            double y = -2 * x;
            s.outputs(new double[] {x}, 0, z);
            double[] losses = new double[N];
            double[] deltas = new double[N];
            for (int k = 0; k < N; k++) {
                losses[k] = (z[k] - y) * (z[k] - y);
                deltas[k] = 2 * (y - z[k]);
            }
            s.learn(new double[] {x}, 0, y, losses, deltas);
        }
        assertFalse(s.active());
        assertEquals(NewTaskStart.Kind.ZERO, NewTaskStart.kindOf(s.best()));
        double[] l = s.meanLosses();
        assertTrue(l[s.best()] < l[MEAN_05] && l[s.best()] < l[SUBSPACE], Arrays.toString(l));
    }

    @Test
    void blendIsThePriorBeforeAnyLabelThenExponentialWeightsOnSummedLosses() {
        double[] prior = {0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0};
        NewTaskStart regression = new NewTaskStart(1, new double[] {0.5, 0}, new double[][] {{1, 0}},
                new double[] {1.0}, false, prior);
        double[] w = new double[N];
        regression.blendWeights(w);
        assertArrayEquals(prior, w, 1e-15);
        // Two labels, each candidate's losses summing to L = (6, 6, 6, 6, 6, 2, 1, 6). Squared loss: η = 2 labels
        // / the best sum 1 = 2, weights ∝ π_k exp(−2 (L_k − 1)).
        double[] first = {4, 4, 4, 4, 4, 1, 0.5, 4};
        double[] second = {2, 2, 2, 2, 2, 1, 0.5, 2};
        regression.learn(new double[] {1}, 0, 0, first, new double[N]);
        regression.learn(new double[] {1}, 0, 0, second, new double[N]);
        regression.blendWeights(w);
        double[] expected = new double[N];
        double total = 0;
        for (int k = 0; k < N; k++) {
            expected[k] = prior[k] * Math.exp(-2 * (first[k] + second[k] - 1));
            total += expected[k];
        }
        for (int k = 0; k < N; k++) {
            expected[k] /= total;
        }
        assertArrayEquals(expected, w, 1e-15);
        assertEquals(SUBSPACE, regression.best());

        // Log loss: η = 1 whatever the scale, so the weights are the Bayesian posterior over the candidates.
        NewTaskStart binary = new NewTaskStart(1, new double[] {0.5, 0}, new double[][] {{1, 0}},
                new double[] {1.0}, true, prior);
        double[] losses = {0.7, 0.7, 0.7, 0.2, 0.2, 0.2, 1.5, 0.7};
        binary.learn(new double[] {1}, 0, 1, losses, new double[N]);
        binary.blendWeights(w);
        total = 0;
        for (int k = 0; k < N; k++) {
            expected[k] = prior[k] * Math.exp(-(losses[k] - 0.2));
            total += expected[k];
        }
        for (int k = 0; k < N; k++) {
            expected[k] /= total;
        }
        assertArrayEquals(expected, w, 1e-15);
        assertEquals(NewTaskStart.candidate(NewTaskStart.Kind.MEAN, 1.0), binary.best());
    }

    @Test
    void priorWeightsMultiplyTheEarlierTasksLikelihoods() {
        // No evidence: a third for the Newton start, half the rest for the subspace start, the rest split evenly.
        double e = 1.0 / 18;
        double[] base = {e, e, e, e, e, e, 1.0 / 3, 1.0 / 3};
        assertArrayEquals(base, NewTaskStart.priorWeights(List.of()), 1e-15);
        // Without a subspace it gets nothing; without the Newton start, the subspace has half.
        assertArrayEquals(new double[] {1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 0, 1.0 / 3},
                NewTaskStart.priorWeights(List.of(), false, 1.0 / 3), 1e-15);
        assertArrayEquals(new double[] {1.0 / 12, 1.0 / 12, 1.0 / 12, 1.0 / 12, 1.0 / 12, 1.0 / 12, 0.5, 0},
                NewTaskStart.priorWeights(List.of(), true, 0), 1e-15);
        // A classifier's base gives the Newton start more (0.85), the subspace half of the rest.
        double c = 0.15 / 2 / 6;
        assertArrayEquals(new double[] {c, c, c, c, c, c, 0.075, 0.85},
                NewTaskStart.priorWeights(List.of(), true, NewTaskStart.newtonPrior(true)), 1e-15);
        // Two tasks: π_k ∝ base_k / (L_1k L_2k). An entry with a zero loss and one of the wrong length are skipped.
        double[] t1 = {1, 1, 1, 2, 2, 2, 0.5, 1};
        double[] t2 = {1, 1, 1, 1, 1, 1, 0.25, 2};
        double[] pi = NewTaskStart.priorWeights(List.of(new double[] {0, 1, 1, 1, 1, 1, 1, 1}, t1, new double[] {1, 2, 3}, t2));
        double[] expected = new double[N];
        double total = 0;
        for (int k = 0; k < N; k++) {
            expected[k] = base[k] / (t1[k] * t2[k]);
            total += expected[k];
        }
        for (int k = 0; k < N; k++) {
            expected[k] /= total;
        }
        assertArrayEquals(expected, pi, 1e-12);
        // Only the most recent 16 tasks count: 16 where the subspace lost 2x hide an older one it won 1000x.
        List<double[]> many = new ArrayList<>();
        many.add(new double[] {1, 1, 1, 1, 1, 1, 0.001, 1});
        for (int i = 0; i < 16; i++) {
            many.add(new double[] {1, 1, 1, 1, 1, 1, 2, 1});
        }
        pi = NewTaskStart.priorWeights(many);
        double sub = Math.pow(2, -16) / 3;
        assertEquals(sub / (6 * e + sub + 1.0 / 3), pi[SUBSPACE], 1e-15);
    }

    @Test
    void newtonStartTakesOnlineNewtonStepsByHand() {
        // One input, prior N(0, 2 I) (the Newton start begins at zero): logistic, label 1 at x = 3.
        int newton = NewTaskStart.candidate(NewTaskStart.Kind.NEWTON, Double.NaN);
        assertEquals("newton", NewTaskStart.nameOf(newton));
        NewTaskStart s = new NewTaskStart(1, new double[] {0.5, 0}, new double[0][], new double[0], 2.0, true, uniform());
        double[] x = {3};
        double[] z = new double[N];
        s.outputs(x, 0, z);
        assertEquals(0.0, z[newton], 0.0);
        s.learn(x, 0, 1, new double[N], new double[N]);
        // p = ½, h = ¼, s = xᵀSx = 2 (9 + 1) = 20, k = 1 / (1 + h s); m ← S x (y − p) k with S x = (6, 2);
        // S ← S − h k (S x)(S x)ᵀ.
        double h = 0.25;
        double k = 1 / (1 + h * 20);
        double w0 = 6 * 0.5 * k;
        double b = 2 * 0.5 * k;
        double s00 = 2 - h * k * 36;
        double s01 = -h * k * 12;
        double s11 = 2 - h * k * 4;
        double sAfter = 9 * s00 + 2 * 3 * s01 + s11;
        s.outputs(x, 0, z);
        // Moderated by the posterior's uncertainty (MacKay): z / sqrt(1 + π s / 8).
        assertEquals((3 * w0 + b) / Math.sqrt(1 + sAfter * Math.PI / 8), z[newton], 1e-12);
        // Regression: recursive least squares with the noise of the start (0.1 without a basis).
        NewTaskStart r = new NewTaskStart(1, new double[] {5, 5}, new double[0][], new double[0], 1.0, false, uniform());
        r.learn(new double[] {1}, 0, 2, new double[N], new double[N]);
        r.outputs(new double[] {1}, 0, z);
        // From zero (not the mean 5, 5): S x = (1, 1), s = 2; the output moves by s (y − z) / (noise + s) = 2 · 2 / 2.1.
        assertEquals(4 / 2.1, z[newton], 1e-12);
    }
    @Test
    void aSubspaceAsWideAsTheHeadLeavesTheNewtonStartFinite() {
        // Eight heads of 3 weights (2 inputs and the bias) span the whole space: the subspace has rank 3.
        HeadPrior prior = new HeadPrior(3);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int t = 0; t < 8; t++) {
            prior.observe("t" + t, new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()});
        }
        for (boolean logLoss : new boolean[] {true, false}) {
            NewTaskStart s = NewTaskStart.offer(prior, 2, logLoss, List.of());
            double[] x = {0.5, -1};
            double[] z = new double[N];
            s.learn(x, 0, 1.0, new double[N], new double[N]);
            s.outputs(x, 0, z);
            for (double v : z) {
                assertTrue(Double.isFinite(v), (logLoss ? "log loss: " : "squared loss: ") + Arrays.toString(z));
            }
        }
    }
}
