package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.optim.HypergradientAdam;
import io.polyhead.optim.TrunkOptimizer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Taking over another process's optimiser state: only a newer one, and one that reads whole. */
class ReplicaGroupTest {

    private static HypergradientAdam stepped(int steps, double scale) {
        HypergradientAdam o = new HypergradientAdam(1e-3).withTrace(0.5);
        double[] params = new double[8];
        for (int t = 0; t < steps; t++) {
            double[] g = new double[8];
            for (int i = 0; i < g.length; i++) {
                g[i] = scale * (params[i] - i) + 0.01 * t;
            }
            o.step(params, g);
        }
        return o;
    }

    private static byte[] shared(TrunkOptimizer o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        o.writeShared(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    @Test
    void takesOnlyANewerStateThatReadsWhole() throws IOException {
        ReplicaGroup group = new ReplicaGroup("here");
        HypergradientAdam mine = stepped(30, 1.0);
        group.adopt(mine);
        assertFalse(group.optimizerMoved());
        group.stepped(10);
        assertTrue(group.optimizerMoved());
        byte[] before = shared(mine);
        HypergradientAdam theirs = stepped(50, 3.0);
        byte[] state = shared(theirs);

        assertFalse(group.adoptNewer(new OptimizerState(10, state)), "the same version: nothing newer");
        assertFalse(group.adoptNewer(new OptimizerState(9, state)), "older");
        assertArrayEquals(before, shared(mine));

        byte[] cut = Arrays.copyOf(state, state.length - 12);
        assertFalse(group.adoptNewer(new OptimizerState(11, cut)), "a state cut short does not read");
        assertArrayEquals(before, shared(mine), "and leaves the optimiser as it was");
        byte[] nan = state.clone();
        // The first moment of the first parameter: after the step count (8 bytes) and the array's length (4).
        ByteBuffer.wrap(nan).putDouble(12, Double.NaN);
        assertFalse(group.adoptNewer(new OptimizerState(11, nan)), "a moment that is not a number");
        assertArrayEquals(before, shared(mine));

        assertTrue(group.adoptNewer(new OptimizerState(11, state)));
        assertArrayEquals(state, shared(mine), "the newer state taken over whole");
        assertEquals(theirs.learningRate(), mine.learningRate(), 0);
        assertFalse(group.adoptNewer(new OptimizerState(11, state)), "taken once");
    }

    @Test
    void aMemberReplicasOwnPastIsNotAnotherProcess() {
        ReplicaGroup group = new ReplicaGroup("here");
        group.member("1_0");
        assertTrue(group.isMember("1_0"));
        assertFalse(group.isMember("1_1"));
        group.left("1_0");
        assertFalse(group.isMember("1_0"));
    }
}
