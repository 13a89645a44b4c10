package io.polyhead.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RateMixtureTest {

    @Test
    void thePriorFavoursTheRateNearestTheConfiguredOne() {
        RateMixture m = new RateMixture(0.4, true);
        assertArrayEquals(new double[] {0.1, 0.5, 2}, m.rates(), 0.0);
        assertArrayEquals(new double[] {0.25, 0.5, 0.25}, m.weights(), 1e-15);
        assertEquals(1, m.leader());
        RateMixture r = new RateMixture(0.4, false);
        assertArrayEquals(new double[] {0.02, 0.05, 0.11}, r.rates(), 0.0);
        assertEquals(2, r.leader());
    }

    @Test
    void logLossWeightsArePriorTimesDiscountedLikelihood() {
        RateMixture m = new RateMixture(0.1, true);
        double[] prior = m.weights().clone();
        double[] a = {0.7, 0.2, 0.4};
        double[] b = {0.6, 0.3, 0.1};
        m.update(a);
        m.update(b);
        // L_c = 0.999 a_c + b_c, η = 1 for log loss.
        double[] expected = new double[3];
        double total = 0;
        for (int c = 0; c < 3; c++) {
            expected[c] = prior[c] * Math.exp(-(RateMixture.DISCOUNT * a[c] + b[c]));
            total += expected[c];
        }
        for (int c = 0; c < 3; c++) {
            expected[c] /= total;
        }
        assertArrayEquals(expected, m.weights(), 1e-12);
        double mean = 0;
        for (int c = 0; c < 3; c++) {
            mean += expected[c] * m.rates()[c];
        }
        assertEquals(mean, m.meanRate(), 1e-12);
    }

    @Test
    void squaredLossWeightsDoNotDependOnTheLabelsScale() {
        RateMixture small = new RateMixture(0.01, false);
        RateMixture large = new RateMixture(0.01, false);
        double[] l = {1, 0.5, 4};
        double[] scaled = {1e6, 0.5e6, 4e6};
        for (int i = 0; i < 5; i++) {
            small.update(l);
            large.update(scaled);
        }
        assertArrayEquals(small.weights(), large.weights(), 1e-12);
        assertEquals(1, small.leader());
    }

    @Test
    void aNonFiniteLossCountsAsVeryLarge() {
        RateMixture m = new RateMixture(0.1, true);
        m.update(new double[] {0.5, Double.NaN, Double.POSITIVE_INFINITY});
        assertEquals(0.0, m.weights()[1], 1e-100);
        assertEquals(0.0, m.weights()[2], 1e-100);
    }

    @Test
    void stateRoundTrips() throws IOException {
        RateMixture m = new RateMixture(0.1, true);
        m.update(new double[] {0.7, 0.2, 0.4});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.writeState(new DataOutputStream(bytes));
        RateMixture back = new RateMixture(0.1, true);
        back.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertArrayEquals(m.weights(), back.weights(), 0.0);
        RateMixture regression = new RateMixture(0.1, false);
        ByteArrayOutputStream four = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(four);
        out.writeDouble(1);
        io.polyhead.optim.StateIO.writeDoubles(out, new double[4]);
        assertThrows(IOException.class, () -> regression.readState(new DataInputStream(new ByteArrayInputStream(four.toByteArray()))));
    }
}
