package io.polyhead.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadPriorTest {

    @Test
    void meanOfTheRememberedHeads() {
        HeadPrior p = new HeadPrior(2);
        p.observe("a", new double[] {1, 2});
        p.observe("b", new double[] {3, 6});
        p.observe("a", new double[] {3, 4}); // a task's newer weights replace its older ones
        assertEquals(3.0, p.mean()[0], 1e-12);
        assertEquals(5.0, p.mean()[1], 1e-12);
        assertEquals(2, p.tasks());
        assertEquals(1.0, p.totalVariance(), 1e-12); // ((0,1)^2 + (0,1)^2) / 2
    }

    @Test
    void recoversAPlantedTwoDimensionalSubspace() {
        SplittableRandom r = new SplittableRandom(1);
        int size = 10;
        double[] u = new double[size];
        double[] v = new double[size];
        u[0] = 1;
        v[3] = Math.sqrt(0.5);
        v[4] = Math.sqrt(0.5);
        HeadPrior p = new HeadPrior(size);
        for (int t = 0; t < 30; t++) {
            double a = 3 * (r.nextDouble() * 2 - 1);
            double b = 1 * (r.nextDouble() * 2 - 1);
            double[] w = new double[size];
            for (int i = 0; i < size; i++) {
                w[i] = 0.5 + a * u[i] + b * v[i];
            }
            p.observe("t" + t, w);
        }
        double[] spread = new double[4];
        double[][] basis = p.basis(4, spread);
        assertEquals(2, basis.length, "only two directions carry variance");
        for (double[] b : basis) {
            double inSpan = dot(b, u) * dot(b, u) + dot(b, v) * dot(b, v);
            assertEquals(1.0, inSpan, 1e-9, "each direction lies in span(u, v)");
        }
        assertTrue(Math.abs(dot(basis[0], u)) > 0.95, "the larger spread is (nearly) along u");
        assertTrue(spread[0] > spread[1]);
        assertEquals(p.totalVariance(), spread[0] * spread[0] + spread[1] * spread[1], 1e-9);
    }

    @Test
    void remembersAtMostMaxTasksAndForgets() {
        HeadPrior p = new HeadPrior(1);
        for (int t = 0; t < HeadPrior.MAX_TASKS + 10; t++) {
            p.observe("t" + t, new double[] {t});
        }
        assertEquals(HeadPrior.MAX_TASKS, p.tasks());
        p.forget("t" + (HeadPrior.MAX_TASKS + 9));
        assertEquals(HeadPrior.MAX_TASKS - 1, p.tasks());
    }

    @Test
    void eigenDecompositionOfAKnownMatrix() {
        double[][] a = {{2, 1}, {1, 2}};
        double[][] vectors = new double[2][2];
        double[] values = SymmetricEigen.decompose(a, vectors);
        double big = Math.max(values[0], values[1]);
        double small = Math.min(values[0], values[1]);
        assertEquals(3.0, big, 1e-12);
        assertEquals(1.0, small, 1e-12);
        int k = values[0] > values[1] ? 0 : 1;
        assertEquals(Math.abs(vectors[0][k]), Math.abs(vectors[1][k]), 1e-12); // (1, 1)/sqrt 2
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
