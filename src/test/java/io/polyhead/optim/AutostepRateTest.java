package io.polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AutostepRateTest {
    private static final double EPS = 1e-12;

    @Test
    void firstStepIsLmsWithTheInitialRateAndSeedsTheTraces() {
        // α = 0.1, x = (1, 2), bias input 1, δ = 0.5; h = v = 0 so no α moves (v stays 0).
        // Σ α x² = 0.1 (1 + 4 + 1) = 0.6 < 1, so M = 1.
        // w = α δ x = 0.05 (1, 2, 1) = (0.05, 0.1, 0.05); h = the same.
        AutostepRate rate = new AutostepRate(0.1, 0.01, 1e4);
        double[] w = new double[3];
        rate.update(0, w, 0, new double[] {1, 2}, 0, 2, 0.5);
        assertArrayEquals(new double[] {0.05, 0.1, 0.05}, w, EPS);
        assertArrayEquals(new double[] {0.1, 0.1, 0.1}, rate.stepSizes(), EPS);
    }

    @Test
    void secondStepMatchesTheArithmeticOfTheTable() {
        AutostepRate rate = new AutostepRate(0.1, 0.01, 1e4);
        double[] w = new double[3];
        rate.update(0, w, 0, new double[] {1, 2}, 0, 2, 0.5);
        // After step 1: w = h = (0.05, 0.1, 0.05), v = 0, α = 0.1.
        // Step 2: x = (−1, 0.5), bias 1, δ = 1.
        //   i=0: δ x h = −0.05; v = max(0.05, 0 + 1e-4·0.1·1·(0.05 − 0)) = 0.05; α = 0.1 e^{0.01·(−0.05)/0.05} = 0.1 e^{−0.01}
        //   i=1: δ x h = 0.05;  v = max(0.05, 1e-4·0.1·0.25·0.05) = 0.05;       α = 0.1 e^{0.01}
        //   i=2: δ x h = 0.05;  v = 0.05;                                        α = 0.1 e^{0.01}
        //   Σ α x² = 0.1 e^{−0.01} + 0.025 e^{0.01} + 0.1 e^{0.01} ≈ 0.225 < 1, so M = 1.
        //   w_i += α_i δ x_i
        double a0 = 0.1 * Math.exp(-0.01);
        double a1 = 0.1 * Math.exp(0.01);
        double a2 = 0.1 * Math.exp(0.01);
        rate.update(0, w, 0, new double[] {-1, 0.5}, 0, 2, 1.0);
        assertArrayEquals(new double[] {a0, a1, a2}, rate.stepSizes(), EPS);
        assertArrayEquals(new double[] {0.05 - a0, 0.1 + 0.5 * a1, 0.05 + a2}, w, EPS);

        // The new traces, h_i (1 − α_i x_i²) + α_i δ x_i, show in step 3 with x = (1, 0), δ = 1, via α_0:
        //   h_0 = 0.05 (1 − a0) − a0;  δ x_0 h_0 = h_0; v_0 = max(|h_0|, 0.05 + 1e-4 a0 (|h_0| − 0.05))
        double h0 = 0.05 * (1 - a0) - a0;
        double v0 = Math.max(Math.abs(h0), 0.05 + 1e-4 * a0 * (Math.abs(h0) - 0.05));
        rate.update(0, w, 0, new double[] {1, 0}, 0, 2, 1.0);
        assertEquals(a0 * Math.exp(0.01 * h0 / v0), rate.stepSizes()[0], EPS);
    }

    @Test
    void oneStepNeverMovesTheOutputByMoreThanDelta() {
        AutostepRate rate = new AutostepRate(1.0);
        double[] x = {1e3, -2e3};
        double[] w = {0.3, -0.2, 0.1};
        double before = output(w, x);
        double delta = 3.0;
        rate.update(0, w, 0, x, 0, 2, delta);
        double moved = output(w, x) - before;
        assertTrue(moved > 0 && moved <= delta * (1 + 1e-12), "output moved by " + moved);
    }

    @Test
    void theBoundShortensTheStepAndKeepsTheRates() {
        // α = 0.5, x = (1, 1), bias 1, δ = 1, first step (h = v = 0, no α moves).
        // Σ α x² = 1.5 > 1, so M = 1.5 and a = 0.5 / 1.5 = 1/3: w = (1/3, 1/3, 1/3), the output moves by
        // exactly δ. The rates stay 0.5 (the paper would store 1/3).
        AutostepRate rate = new AutostepRate(0.5, 0.01, 1e4);
        double[] w = new double[3];
        rate.update(0, w, 0, new double[] {1, 1}, 0, 2, 1.0);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, w, EPS);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, rate.stepSizes(), EPS);
        // Step 2, same x, δ = 1: δ x h = 1/3 for each weight, v = 1/3, so α = 0.5 e^{0.01}; M = 1.5 e^{0.01},
        // a = 1/3 again and the traces h = (1/3)(1 − 1/3) + 1/3 = 5/9.
        rate.update(0, w, 0, new double[] {1, 1}, 0, 2, 1.0);
        assertArrayEquals(new double[] {0.5 * Math.exp(0.01), 0.5 * Math.exp(0.01), 0.5 * Math.exp(0.01)},
                rate.stepSizes(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, 2.0 / 3}, w, EPS);
    }

    @Test
    void ratesStopAtOne() {
        // The same agreeing input over and over: every rate grows by e^{μ} a step until it reaches 1.
        AutostepRate rate = new AutostepRate(0.9, 0.5, 1e4);
        double[] w = new double[2];
        for (int t = 0; t < 50; t++) {
            rate.update(0, w, 0, new double[] {1}, 0, 1, 1.0);
        }
        assertArrayEquals(new double[] {AutostepRate.MAX_RATE, AutostepRate.MAX_RATE}, rate.stepSizes(), 0.0);
    }

    @Test
    void stateRoundTripGivesIdenticalUpdates() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        AutostepRate a = new AutostepRate(0.05);
        double[] w = new double[2 * 5];
        double[] x = new double[4];
        for (int t = 0; t < 200; t++) {
            step(a, w, x, random);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.writeState(new DataOutputStream(bytes));
        AutostepRate b = new AutostepRate(0.05);
        b.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertArrayEquals(a.stepSizes(), b.stepSizes(), 0.0);

        double[] wa = w.clone();
        double[] wb = w.clone();
        SplittableRandom ra = new SplittableRandom(8);
        SplittableRandom rb = new SplittableRandom(8);
        for (int t = 0; t < 200; t++) {
            step(a, wa, x, ra);
            step(b, wb, x, rb);
        }
        assertArrayEquals(wa, wb, 0.0);
        assertArrayEquals(a.stepSizes(), b.stepSizes(), 0.0);
        assertEquals(a.meanRate(), b.meanRate(), 0.0);
    }

    @Test
    void unsizedStateRoundTrips() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new AutostepRate(0.05).writeState(new DataOutputStream(bytes));
        AutostepRate b = new AutostepRate(0.05);
        b.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(0.05, b.meanRate(), 0.0);
        double[] w = new double[3];
        b.update(0, w, 0, new double[] {1, 1}, 0, 2, 1.0);
        assertEquals(0.05, w[0], EPS);
    }

    @Test
    void corruptStateIsRejected() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(2);
        out.writeInt(3);
        for (int i = 0; i < 3; i++) {
            StateIO.writeDoubles(out, new double[5]);
        }
        AutostepRate b = new AutostepRate(0.05);
        assertThrows(IOException.class,
                () -> b.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e-4, 1e-2, 1})
    void noiselessRegressionConvergesFromAnyInitialRate(double initial) {
        SplittableRandom random = new SplittableRandom(11);
        int n = 5;
        double[] target = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            target[i] = 2 * random.nextDouble() - 1;
        }
        AutostepRate rate = new AutostepRate(initial);
        double[] w = new double[n + 1];
        double[] x = new double[n];
        for (int t = 0; t < 60_000; t++) {
            for (int i = 0; i < n; i++) {
                x[i] = gaussian(random);
            }
            rate.update(0, w, 0, x, 0, n, output(target, x) - output(w, x));
        }
        // From 1e-2 and 1 the weights are exact to 1e-15 within 5000 steps. From 1e-4 the rates stall near
        // 8e-4: the normaliser remembers the early, large errors for about τ/(α x²) steps, so |δ x h| / v
        // stays small once the errors shrink. The weights still converge, the error halving every ~6000 steps.
        assertArrayEquals(target, w, 1e-4, "from initial α " + initial);
    }

    @Test
    void rowsKeepTheirOwnState() {
        AutostepRate rate = new AutostepRate(3, 2, 0.1, 0.01, 1e4);
        double[] w = new double[9];
        double[] x = {1, -1};
        for (int t = 0; t < 5; t++) {
            rate.update(1, w, 3, x, 0, 2, 1.0);
        }
        double[] a = rate.stepSizes();
        assertArrayEquals(new double[] {0.1, 0.1, 0.1}, java.util.Arrays.copyOfRange(a, 0, 3), 0.0);
        assertArrayEquals(new double[] {0.1, 0.1, 0.1}, java.util.Arrays.copyOfRange(a, 6, 9), 0.0);
        assertTrue(a[3] > 0.1, "row 1 adapted: " + a[3]);
        assertArrayEquals(new double[3], java.util.Arrays.copyOfRange(w, 0, 3), 0.0);
    }

    @Test
    void rowsAreAddedAsTheyAreFirstSeen() {
        AutostepRate rate = new AutostepRate(0.2);
        double[] w = new double[6];
        rate.update(1, w, 3, new double[] {1, 1}, 0, 2, 1.0);
        assertEquals(6, rate.stepSizes().length);
        assertEquals(0.2, rate.meanRate(), EPS);
        assertThrows(IllegalArgumentException.class, () -> rate.update(0, w, 0, new double[3], 0, 3, 1.0));
    }

    @Test
    void nonFiniteDeltaOrInputLeavesEverythingUnchanged() throws IOException {
        AutostepRate rate = new AutostepRate(0.1);
        double[] w = new double[3];
        SplittableRandom random = new SplittableRandom(3);
        double[] x = new double[2];
        for (int t = 0; t < 20; t++) {
            x[0] = gaussian(random);
            x[1] = gaussian(random);
            rate.update(0, w, 0, x, 0, 2, gaussian(random));
        }
        double[] w0 = w.clone();
        byte[] state0 = state(rate);
        rate.update(0, w, 0, new double[] {1, 1}, 0, 2, Double.NaN);
        rate.update(0, w, 0, new double[] {1, 1}, 0, 2, Double.POSITIVE_INFINITY);
        rate.update(0, w, 0, new double[] {1, Double.NaN}, 0, 2, 1.0);
        rate.update(0, w, 0, new double[] {Double.NEGATIVE_INFINITY, 1}, 0, 2, 1.0);
        assertArrayEquals(w0, w, 0.0);
        assertArrayEquals(state0, state(rate));
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new AutostepRate(0));
        assertThrows(IllegalArgumentException.class, () -> new AutostepRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> new AutostepRate(0.1, -1, 1e4));
        assertThrows(IllegalArgumentException.class, () -> new AutostepRate(0.1, 0.01, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new AutostepRate(0, 2, 0.1, 0.01, 1e4));
    }

    private static byte[] state(AutostepRate rate) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rate.writeState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** One update of a random row of a 2-row head on a random input toward a fixed linear target. */
    private static void step(AutostepRate rate, double[] w, double[] x, SplittableRandom random) {
        int n = x.length;
        int row = random.nextInt(2);
        for (int i = 0; i < n; i++) {
            x[i] = gaussian(random);
        }
        double z = w[row * (n + 1) + n];
        double y = row == 0 ? 1 : -2;
        for (int i = 0; i < n; i++) {
            z += w[row * (n + 1) + i] * x[i];
            y += (i + 1) * x[i] * (row == 0 ? 1 : -1);
        }
        rate.update(row, w, row * (n + 1), x, 0, n, y - z);
    }

    /** {@code w · x + w[n]}: a row's output with its bias. */
    private static double output(double[] w, double[] x) {
        double z = w[x.length];
        for (int i = 0; i < x.length; i++) {
            z += w[i] * x[i];
        }
        return z;
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
