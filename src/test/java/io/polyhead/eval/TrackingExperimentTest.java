package io.polyhead.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.eval.gen.SuttonTrackingStream;
import io.polyhead.optim.AutostepRate;
import io.polyhead.optim.FixedRate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Sutton's (1992) tracking task, 30,000 examples, MSE over the last 10,000 (seed 1). The bound:
 * Autostep at most 1.6 where the best fixed rate of a grid gets about 3.5 (IDBD in the paper: 1.5 vs 3.5).
 * Measured: the best fixed-rate LMS of the grid 3.28 (at 0.03), Autostep (μ 0.02, τ 10⁴, initial α
 * 0.01) 1.23; over seeds 1-10 from 1.15 to 1.25. With the paper's own bound (rates divided by M for
 * good) it was 2.2: see {@link AutostepRate}.
 */
class TrackingExperimentTest {
    static final double[] GRID = {0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1};
    private static final long SEED = 1;

    static double bestFixedRate(long seed) {
        double best = Double.POSITIVE_INFINITY;
        for (double rate : GRID) {
            double mse = TrackingExperiment.run(new FixedRate(rate), seed);
            if (mse < best) {
                best = mse;
            }
        }
        return best;
    }

    @Test
    void autostepBeatsTheBestFixedRate() {
        AutostepRate autostep = new AutostepRate(0.01);
        double auto = TrackingExperiment.run(autostep, SEED);
        double lms = bestFixedRate(SEED);
        assertTrue(lms >= 3.0, "best fixed-rate LMS " + lms);
        assertTrue(auto <= 1.6, "Autostep " + auto);
        assertTrue(auto <= 0.5 * lms, "Autostep " + auto + " vs best LMS " + lms);

        double[] a = autostep.stepSizes();
        double relevant = Arrays.stream(a, 0, 5).min().orElseThrow();
        double irrelevant = Arrays.stream(a, 5, 20).max().orElseThrow();
        assertTrue(irrelevant < 0.1 * relevant, "irrelevant rates up to " + irrelevant + ", relevant from " + relevant);
    }

    @Test
    void sameSeedSameResult() {
        assertEquals(TrackingExperiment.run(new AutostepRate(0.01), 5), TrackingExperiment.run(new AutostepRate(0.01), 5));
    }

    @Test
    void oneSignFlipsAfterEveryTwentyExamples() {
        SuttonTrackingStream stream = new SuttonTrackingStream(3);
        double[] x = new double[SuttonTrackingStream.INPUTS];
        double[] before = stream.targetWeights();
        for (int i = 0; i < 20; i++) {
            stream.next(x);
        }
        assertArrayEquals(before, stream.targetWeights());
        stream.next(x);
        double[] after = stream.targetWeights();
        int changed = 0;
        for (int i = 0; i < SuttonTrackingStream.INPUTS; i++) {
            if (before[i] != after[i]) {
                changed++;
                assertTrue(i < SuttonTrackingStream.RELEVANT);
                assertEquals(-before[i], after[i]);
            }
        }
        assertEquals(1, changed);
        for (int i = SuttonTrackingStream.RELEVANT; i < SuttonTrackingStream.INPUTS; i++) {
            assertEquals(0.0, after[i]);
        }
    }

    @Test
    void withoutNoiseTheTargetIsExactlyLinear() {
        SuttonTrackingStream stream = new SuttonTrackingStream(4);
        double[] x = new double[SuttonTrackingStream.INPUTS];
        for (int t = 0; t < 100; t++) {
            double[] s = stream.targetWeights();
            double y = stream.next(x);
            if (t % 20 != 0 || t == 0) {
                double expected = 0;
                for (int i = 0; i < x.length; i++) {
                    expected += s[i] * x[i];
                }
                assertEquals(expected, y, 1e-12);
            }
        }
    }
}
