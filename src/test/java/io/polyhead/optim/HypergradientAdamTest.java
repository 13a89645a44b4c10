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
import org.junit.jupiter.api.Test;

/**
 * Adam-HD: two steps against hand arithmetic, rate adaptation from rates five decades apart on a noisy
 * quadratic bowl, the rate bounds, gradient clipping and the snapshot round trip.
 */
class HypergradientAdamTest {
    private static final double EPS = 1e-8;

    @Test
    void twoStepsMatchHandArithmetic() {
        // f(θ) = ½(θ1² + 2θ2²), so g = (θ1, 2θ2). θ0 = (1, 1), α0 = 0.1, β = 0.02; the gradients stay
        // far below the clipping norm 10.
        HypergradientAdam hd = new HypergradientAdam(0.1);
        double[] theta = {1, 1};

        // Step 1. g1 = (1, 2). No previous direction: α1 = α0 = 0.1.
        // m1 = 0.1 g1 = (0.1, 0.2); v1 = 0.001 g1² = (0.001, 0.004).
        // Bias correction c1 = √(1 − 0.999) / (1 − 0.9) = √0.001 / 0.1 ≈ 0.316228.
        // u1 = c1 m1 / (√v1 + ε) = (√0.001·0.1/0.1) / (√0.001 + ε), (√0.001·0.2/0.1) / (2√0.001 + ε)
        //    = 1 / (1 + ε/√0.001), 1 / (1 + ε/(2√0.001)) ≈ (1 − 3.16e-7, 1 − 1.58e-7).
        // θ1 = θ0 − 0.1 u1 ≈ (0.9000000316, 0.9000000158).
        double s = Math.sqrt(0.001);
        double[] u1 = {1 / (1 + EPS / s), 1 / (1 + EPS / (2 * s))};
        double[] theta1 = {1 - 0.1 * u1[0], 1 - 0.1 * u1[1]};
        hd.step(theta, new double[] {theta[0], 2 * theta[1]});
        assertEquals(0.1, hd.learningRate(), 1e-12);
        assertArrayEquals(theta1, theta, 1e-12);

        // Step 2. g2 = (θ1_1, 2 θ1_2) ≈ (0.9, 1.8).
        // cos(g2, u1) ≈ (0.9 + 1.8) / (√(0.81 + 3.24) · √2) = 2.7 / √8.1 = 3/√10 ≈ 0.948683.
        // α2 = 0.1 · exp(0.02 · 0.948683) ≈ 0.1 · 1.019155 ≈ 0.1019155.
        double[] g2 = {theta1[0], 2 * theta1[1]};
        double cos = (g2[0] * u1[0] + g2[1] * u1[1])
                / (Math.hypot(g2[0], g2[1]) * Math.hypot(u1[0], u1[1]));
        assertEquals(3 / Math.sqrt(10), cos, 1e-6);
        double alpha2 = 0.1 * Math.exp(0.02 * cos);
        assertEquals(0.1019155, alpha2, 1e-7);
        // m2 = 0.9 m1 + 0.1 g2 ≈ (0.18, 0.36); v2 = 0.999 v1 + 0.001 g2² ≈ (0.001809, 0.007236).
        // c2 = √(1 − 0.999²) / (1 − 0.9²) = √0.001999 / 0.19 ≈ 0.235317.
        // θ2 = θ1 − α2 c2 m2 / (√v2 + ε) ≈ θ1 − 0.1019155 · 0.235317 · (4.2321, 4.2321)
        //    ≈ (0.798505, 0.798505).
        double[] m2 = {0.9 * 0.1 + 0.1 * g2[0], 0.9 * 0.2 + 0.1 * g2[1]};
        double[] v2 = {0.999 * 0.001 + 0.001 * g2[0] * g2[0], 0.999 * 0.004 + 0.001 * g2[1] * g2[1]};
        double c2 = Math.sqrt(0.001999) / 0.19;
        double[] theta2 = {
            theta1[0] - alpha2 * c2 * m2[0] / (Math.sqrt(v2[0]) + EPS),
            theta1[1] - alpha2 * c2 * m2[1] / (Math.sqrt(v2[1]) + EPS)};
        assertArrayEquals(new double[] {0.798505, 0.798505}, theta2, 1e-6);
        hd.step(theta, new double[] {theta[0], 2 * theta[1]});
        assertEquals(alpha2, hd.learningRate(), 1e-12);
        assertArrayEquals(theta2, theta, 1e-12);
        assertEquals(2, hd.steps());
    }

    @Test
    void withoutAdaptationOrClippingItIsAdamBitForBit() {
        HypergradientAdam hd = new HypergradientAdam(0.01, 0, 1e-6, 1, Double.POSITIVE_INFINITY);
        Adam adam = new Adam(0.01);
        Bowl bowl = new Bowl(3);
        double[] a = bowl.start();
        double[] b = bowl.start();
        SplittableRandom noiseA = new SplittableRandom(11);
        SplittableRandom noiseB = new SplittableRandom(11);
        for (int t = 0; t < 200; t++) {
            hd.step(a, bowl.noisyGradient(a, noiseA));
            adam.step(b, bowl.noisyGradient(b, noiseB));
        }
        assertArrayEquals(b, a, 0.0);
        assertEquals(0.01, hd.learningRate());
    }

    /**
     * Measured with bowl seed 1, noise seed 101 (N = 3000 steps, threshold 0.05 on the noise-free loss,
     * which starts at ≈ 31): from α0 = 1e-5 the loss is first below the threshold after 863 steps, α
     * ends at ≈ 0.078 and the mean loss of the last 200 steps is ≈ 0.0070; from α0 = 1.0 after 95 steps,
     * α ≈ 0.038, mean loss ≈ 0.0076. Plain Adam at 1e-5 is still at ≈ 30.3.
     */
    @Test
    void ratesFiveDecadesApartMeetAndConvergeOnANoisyBowl() {
        Bowl bowl = new Bowl(1);
        int steps = 3000;
        double threshold = 0.05;
        double startLoss = bowl.loss(bowl.start());
        Run fromSmall = run(bowl, new HypergradientAdam(1e-5), steps, threshold);
        Run fromLarge = run(bowl, new HypergradientAdam(1.0), steps, threshold);
        Run plain = run(bowl, new Adam(1e-5), steps, threshold);

        double ratio = fromSmall.finalRate / fromLarge.finalRate;
        assertTrue(ratio > 0.1 && ratio < 10, "final rates " + fromSmall.finalRate + " and " + fromLarge.finalRate);
        assertTrue(fromSmall.tailLoss < threshold, "from 1e-5: " + fromSmall);
        assertTrue(fromLarge.tailLoss < threshold, "from 1.0: " + fromLarge);
        assertTrue(fromSmall.firstBelow >= 0 && fromLarge.firstBelow >= 0);
        assertTrue(plain.tailLoss > 0.5 * startLoss, "plain Adam at 1e-5 should not have converged: " + plain);
        assertEquals(-1, plain.firstBelow);
    }

    @Test
    void rateStaysWithinItsBounds() {
        double min = 1e-4;
        double max = 1e-2;
        // A large β so the bounds are reached within a few steps.
        HypergradientAdam up = new HypergradientAdam(1e-3, 0.5, min, max, 10);
        HypergradientAdam down = new HypergradientAdam(1e-3, 0.5, min, max, 10);
        double[] a = {1, -1, 2};
        double[] b = a.clone();
        for (int t = 0; t < 40; t++) {
            // A constant gradient always agrees with the last step (cos = 1): α grows.
            up.step(a, new double[] {1, -2, 0.5});
            // An alternating one always opposes it (cos = −1): α shrinks.
            double sign = t % 2 == 0 ? 1 : -1;
            down.step(b, new double[] {sign, -2 * sign, 0.5 * sign});
            assertTrue(up.learningRate() >= min && up.learningRate() <= max, "step " + t + ": " + up.learningRate());
            assertTrue(down.learningRate() >= min && down.learningRate() <= max, "step " + t + ": " + down.learningRate());
        }
        assertEquals(max, up.learningRate());
        assertEquals(min, down.learningRate());

        // The default bounds hold from the default maximum on the bowl too.
        HypergradientAdam fromMax = new HypergradientAdam(1.0);
        Bowl bowl = new Bowl(2);
        double[] theta = bowl.start();
        SplittableRandom noise = new SplittableRandom(5);
        for (int t = 0; t < 500; t++) {
            fromMax.step(theta, bowl.noisyGradient(theta, noise));
            assertTrue(fromMax.learningRate() >= 1e-6 && fromMax.learningRate() <= 1.0);
        }
    }

    @Test
    void rejectsAStartOutsideTheBoundsAndBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new HypergradientAdam(2.0));
        assertThrows(IllegalArgumentException.class, () -> new HypergradientAdam(1e-7));
        assertThrows(IllegalArgumentException.class, () -> new HypergradientAdam(1e-3, -0.1, 1e-6, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new HypergradientAdam(1e-3, 0.02, 1e-2, 1e-4, 10));
        assertThrows(IllegalArgumentException.class, () -> new HypergradientAdam(1e-3, 0.02, 1e-6, 1, 0));
    }

    @Test
    void aHugeGradientMovesNoFartherThanOneOfTheClippingNorm() {
        double maxNorm = HypergradientAdam.DEFAULT_MAX_GRAD_NORM;
        Bowl bowl = new Bowl(4);
        HypergradientAdam spiked = warmedUp(bowl, maxNorm);
        HypergradientAdam atNorm = warmedUp(bowl, maxNorm);
        HypergradientAdam unclipped = warmedUp(bowl, Double.POSITIVE_INFINITY);
        double[] direction = bowl.noisyGradient(bowl.start(), new SplittableRandom(8));
        double norm = Math.sqrt(dot(direction, direction));

        double[] huge = scaled(direction, 1e6 / norm);
        double[] hugeCopy = huge.clone();
        double[] thetaSpiked = bowl.start();
        double[] thetaUnclipped = bowl.start();
        double moveSpiked = move(spiked, thetaSpiked, huge);
        double moveAtNorm = move(atNorm, bowl.start(), scaled(direction, maxNorm / norm));
        move(unclipped, thetaUnclipped, huge.clone());

        assertTrue(moveSpiked <= moveAtNorm * (1 + 1e-12), moveSpiked + " > " + moveAtNorm);
        assertEquals(moveAtNorm, moveSpiked, 1e-12 * moveAtNorm);
        assertArrayEquals(hugeCopy, huge, 0.0, "the caller's gradient must not be changed");

        // Adam bounds a single step's length anyway; the harm of an unclipped spike is what follows: a
        // second moment inflated by 1e9 that stalls learning for thousands of steps. 100 steps later
        // the unclipped optimiser barely moves, the clipped one learns as before.
        SplittableRandom noiseA = new SplittableRandom(9);
        SplittableRandom noiseB = new SplittableRandom(9);
        double laterSpiked = 0;
        double laterUnclipped = 0;
        for (int t = 0; t < 100; t++) {
            laterSpiked = move(spiked, thetaSpiked, bowl.noisyGradient(thetaSpiked, noiseA));
            laterUnclipped = move(unclipped, thetaUnclipped, bowl.noisyGradient(thetaUnclipped, noiseB));
        }
        assertTrue(laterUnclipped < 0.05 * laterSpiked, laterUnclipped + " vs " + laterSpiked);
    }

    /** What another process takes over ({@code writeShared}) carries the streak too: the next steps are the same. */
    @Test
    void anotherProcessTakingTheSharedStateStepsOnAsTheOriginalWould() throws IOException {
        Bowl bowl = new Bowl(6);
        HypergradientAdam original = new HypergradientAdam(1e-4).withTrace(0.5).withRiseFactor(3).withStreakBoost(3);
        double[] theta = bowl.start();
        SplittableRandom noise = new SplittableRandom(17);
        for (int t = 0; t < 40; t++) {
            original.step(theta, bowl.gradient(theta));
        }
        HypergradientAdam other = new HypergradientAdam(1e-4).withTrace(0.5).withRiseFactor(3).withStreakBoost(3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        original.writeShared(new DataOutputStream(bytes));
        other.readShared(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        double[] a = theta.clone();
        double[] b = theta.clone();
        for (int t = 0; t < 50; t++) {
            double[] g = bowl.noisyGradient(a, noise);
            original.step(a, g);
            other.step(b, g.clone(), 3); // others' steps in between: the taken state already holds them
            assertArrayEquals(a, b, 0.0, "step " + t);
            assertEquals(original.learningRate(), other.learningRate(), 0.0);
        }
        assertTrue(original.learningRate() > 1e-4, "the rate should have risen");
    }

    @Test
    void stateRoundTripGivesIdenticalSubsequentSteps() throws IOException {
        Bowl bowl = new Bowl(6);
        HypergradientAdam original = new HypergradientAdam(1e-3);
        double[] theta = bowl.start();
        SplittableRandom noise = new SplittableRandom(13);
        for (int t = 0; t < 150; t++) {
            original.step(theta, bowl.noisyGradient(theta, noise));
        }
        HypergradientAdam restored = new HypergradientAdam(1e-3);
        restored.readState(read(write(original)));
        assertEquals(original.learningRate(), restored.learningRate(), 0.0);
        assertEquals(original.steps(), restored.steps());

        double[] a = theta.clone();
        double[] b = theta.clone();
        for (int t = 0; t < 150; t++) {
            double[] g = bowl.noisyGradient(a, noise);
            original.step(a, g);
            restored.step(b, g.clone());
            assertArrayEquals(a, b, 0.0, "step " + t);
            assertEquals(original.learningRate(), restored.learningRate(), 0.0);
        }
        assertTrue(original.learningRate() != 1e-3, "the rate should have adapted");

        // A fresh optimiser round-trips too, and then behaves as a fresh one.
        HypergradientAdam fresh = new HypergradientAdam(1e-3);
        HypergradientAdam freshRestored = new HypergradientAdam(1e-3);
        freshRestored.readState(read(write(fresh)));
        double[] c = bowl.start();
        double[] d = bowl.start();
        for (int t = 0; t < 5; t++) {
            fresh.step(c, bowl.gradient(c));
            freshRestored.step(d, bowl.gradient(d));
        }
        assertArrayEquals(c, d, 0.0);
    }

    // ---- helpers

    /** f(θ) = ½‖Aθ‖² in 10 dimensions, A Gaussian with five weak rows (condition ≈ 10 or more). */
    private static final class Bowl {
        private static final int D = 10;
        private static final double NOISE = 0.1;
        private final double[][] a = new double[D][D];
        private final double[] start = new double[D];

        Bowl(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    a[i][j] = gaussian(r) / Math.sqrt(D) * (i < D / 2 ? 1 : 0.3);
                }
            }
            for (int j = 0; j < D; j++) {
                start[j] = 3 * gaussian(r);
            }
        }

        double[] start() {
            return start.clone();
        }

        private double[] residual(double[] theta) {
            double[] r = new double[D];
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    r[i] += a[i][j] * theta[j];
                }
            }
            return r;
        }

        double loss(double[] theta) {
            return 0.5 * dot(residual(theta), residual(theta));
        }

        /** ∇f = AᵀAθ. */
        double[] gradient(double[] theta) {
            double[] r = residual(theta);
            double[] g = new double[D];
            for (int j = 0; j < D; j++) {
                for (int i = 0; i < D; i++) {
                    g[j] += a[i][j] * r[i];
                }
            }
            return g;
        }

        /** ∇f plus Gaussian noise of standard deviation 0.1 per coordinate. */
        double[] noisyGradient(double[] theta, SplittableRandom noise) {
            double[] g = gradient(theta);
            for (int j = 0; j < D; j++) {
                g[j] += NOISE * gaussian(noise);
            }
            return g;
        }
    }

    private record Run(double finalRate, double tailLoss, int firstBelow) {
    }

    /**
     * Runs {@code steps} noisy steps; reports the final rate, the mean loss of the last 200 steps and
     * the steps taken when the loss was first below {@code threshold} (−1 if never).
     */
    private static Run run(Bowl bowl, TrunkOptimizer optimizer, int steps, double threshold) {
        double[] theta = bowl.start();
        SplittableRandom noise = new SplittableRandom(101);
        int firstBelow = -1;
        double tail = 0;
        for (int t = 1; t <= steps; t++) {
            double loss = bowl.loss(theta);
            if (firstBelow < 0 && loss < threshold) {
                firstBelow = t - 1;
            }
            if (t > steps - 200) {
                tail += loss / 200;
            }
            optimizer.step(theta, bowl.noisyGradient(theta, noise));
        }
        return new Run(optimizer.learningRate(), tail, firstBelow);
    }

    private static HypergradientAdam warmedUp(Bowl bowl, double maxGradNorm) {
        HypergradientAdam hd = new HypergradientAdam(1e-2, HypergradientAdam.DEFAULT_HYPER_RATE,
                HypergradientAdam.DEFAULT_MIN_RATE, HypergradientAdam.DEFAULT_MAX_RATE, maxGradNorm);
        double[] theta = bowl.start();
        SplittableRandom noise = new SplittableRandom(21);
        for (int t = 0; t < 30; t++) {
            hd.step(theta, bowl.noisyGradient(theta, noise));
        }
        return hd;
    }

    /** Takes one step from {@code theta} and returns the L2 length of the move. */
    private static double move(TrunkOptimizer optimizer, double[] theta, double[] gradient) {
        double[] before = theta.clone();
        optimizer.step(theta, gradient);
        double[] delta = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            delta[i] = theta[i] - before[i];
        }
        return Math.sqrt(dot(delta, delta));
    }

    private static double[] scaled(double[] a, double factor) {
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = factor * a[i];
        }
        return b;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static byte[] write(TrunkOptimizer optimizer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            optimizer.writeState(out);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream read(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    @org.junit.jupiter.api.Test
    void withATraceTheRateFollowsTheDriftOfSeveralSteps() {
        // A gradient that alternates in one coordinate and drifts steadily in the other: the last step
        // alone disagrees every other time, the decaying sum of past steps keeps agreeing.
        HypergradientAdam plain = new HypergradientAdam(1e-3);
        HypergradientAdam traced = new HypergradientAdam(1e-3).withTrace(0.9);
        double[] p1 = {0, 0};
        double[] p2 = {0, 0};
        for (int t = 0; t < 200; t++) {
            double[] g = {t % 2 == 0 ? 1 : -1, 0.3};
            plain.step(p1, g.clone());
            traced.step(p2, g.clone());
        }
        org.junit.jupiter.api.Assertions.assertTrue(traced.learningRate() > 1.1 * plain.learningRate(),
                "traced " + traced.learningRate() + " vs plain " + plain.learningRate());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new HypergradientAdam(1e-3).withTrace(1.0));
    }

    @Test
    void theRateRisesByTheRiseFactorAndFallsByPlainBeta() {
        // One coordinate, α0 = 0.01, β = 0.1, rise factor 3, no trace. After the first step the direction
        // u1 has the sign of g1, so the cosine of the next gradient with it is +1 or -1 exactly.
        HypergradientAdam hd = new HypergradientAdam(0.01, 0.1, 1e-6, 1.0, 10).withRiseFactor(3);
        double[] theta = {0};
        hd.step(theta, new double[] {1});
        assertEquals(0.01, hd.learningRate(), 1e-15);
        // g2 = 1 agrees with u1: α2 = 0.01 · exp(3 · 0.1 · 1) ≈ 0.0134986.
        hd.step(theta, new double[] {1});
        assertEquals(0.01 * Math.exp(0.3), hd.learningRate(), 1e-15);
        assertEquals(0.0134986, hd.learningRate(), 1e-7);
        // g3 = -1 disagrees with u2, which is positive (Adam's m2 = 0.19): α3 = α2 · exp(-0.1) ≈ 0.0122140.
        hd.step(theta, new double[] {-1});
        assertEquals(0.01 * Math.exp(0.3) * Math.exp(-0.1), hd.learningRate(), 1e-15);
        assertEquals(0.0122140, hd.learningRate(), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> new HypergradientAdam(0.01).withRiseFactor(0.5));
        assertThrows(IllegalArgumentException.class, () -> new HypergradientAdam(0.01).withRiseFactor(Double.NaN));
    }

    @Test
    void aRateSavedUnderWiderBoundsContinuesAtTheNearestAllowedOne() throws IOException {
        // An earlier build kept the trunk rate in [1e-6, 0.02]; its state must still load under [1e-6, 0.01].
        HypergradientAdam wide = new HypergradientAdam(0.015, 0.1, 1e-6, 0.02, 10);
        wide.step(new double[] {1, 1}, new double[] {0.5, 0.5});
        HypergradientAdam narrow = new HypergradientAdam(1e-3, 0.1, 1e-6, 0.01, 10);
        narrow.readState(read(write(wide)));
        assertEquals(0.01, narrow.learningRate(), 0.0);
        assertEquals(1, narrow.steps());

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        new Adam(1e-3).writeState(out);
        out.writeDouble(Double.NaN);
        StateIO.writeDoubles(out, new double[0]);
        StateIO.writeDoubles(out, new double[0]);
        assertThrows(IOException.class, () -> narrow.readState(read(bytes.toByteArray())));
    }

    /**
     * With another process's steps in between ({@code elapsed > 1}), the rate is judged by how far the trunk
     * really moved: here the own step alone still points down the gradient (the rate would rise), but the
     * others pushed the second coordinate far past the bowl's floor, so the trunk's movement opposes the
     * gradient and the rate falls. With {@code elapsed} 1 the same step is the plain one, bit for bit.
     */
    @Test
    void othersStepsCountInTheRateWhenTheyMovedTheTrunk() {
        HypergradientAdam alone = new HypergradientAdam(0.1);
        HypergradientAdam shared = new HypergradientAdam(0.1);
        HypergradientAdam plain = new HypergradientAdam(0.1);
        double[] a = {1, 0};
        double[] b = {1, 0};
        double[] c = {1, 0};
        alone.step(a, new double[] {1, 0}, 1);
        shared.step(b, new double[] {1, 0}, 1);
        plain.step(c, new double[] {1, 0});
        assertArrayEquals(c, a, 0);
        a[1] += 5; // another process's steps moved the second coordinate: f = ½|θ|², g = θ
        b[1] += 5;
        c[1] += 5;
        alone.step(a, a.clone(), 1);
        shared.step(b, b.clone(), 3);
        plain.step(c, c.clone());
        assertArrayEquals(c, a, 0);
        assertEquals(plain.learningRate(), alone.learningRate(), 0);
        assertTrue(alone.learningRate() > 0.1, "own step only: the gradient still points along it, " + alone.learningRate());
        assertTrue(shared.learningRate() < 0.1, "the trunk's movement opposes the gradient, " + shared.learningRate());
    }

    /**
     * A rate far too low on a bowl sees only positive cosines: with the streak boost it climbs faster, by
     * exactly the boost's factors once the streak is long; the boost never applies to a fall.
     */
    @Test
    void aLongStreakOfPositiveCosinesRaisesTheRateFaster() {
        HypergradientAdam plain = new HypergradientAdam(1e-4, 0.1, 1e-6, 1.0, Double.POSITIVE_INFINITY);
        HypergradientAdam boosted = new HypergradientAdam(1e-4, 0.1, 1e-6, 1.0, Double.POSITIVE_INFINITY).withStreakBoost(3);
        double[] a = {100}; // one coordinate: every cosine is exactly 1 while θ stays positive
        double[] b = {100};
        for (int t = 0; t < 25; t++) {
            plain.step(a, a.clone());
            boosted.step(b, b.clone());
        }
        // Steps 2..25 each had a positive cosine: plain rises by e^0.1 each, boosted by e^(0.1 min(3, 1 + n/10)).
        double expected = 0;
        for (int n = 1; n <= 24; n++) {
            expected += 0.1 * Math.min(3, 1 + n / 10.0);
        }
        assertEquals(1e-4 * Math.exp(0.1 * 24), plain.learningRate(), 1e-12);
        assertEquals(1e-4 * Math.exp(expected), boosted.learningRate(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> plain.withStreakBoost(0.5));
    }

    /** Others' movement that is not finite (a step the caller undid) is left out: the rate keeps adapting. */
    @Test
    void aMovementThatIsNotFiniteIsLeftOut() {
        HypergradientAdam hd = new HypergradientAdam(0.01).withTrace(0.99);
        hd.step(new double[] {1, 1}, new double[] {1, 1});
        hd.step(new double[] {Double.POSITIVE_INFINITY, 1}, new double[] {1, 1}, 2);
        double before = hd.learningRate();
        hd.step(new double[] {1, 1}, new double[] {1, 1}, 1);
        assertTrue(hd.learningRate() != before, "the rate still adapts: " + before + " -> " + hd.learningRate());
    }
}
