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

    private static MultiTaskLearner learned(ReplicaGroup group, long streamSeed, int batches) {
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(8, 8).build(), group);
        io.polyhead.eval.gen.StreamGenerator gen = io.polyhead.eval.gen.Generators.create(
                io.polyhead.eval.gen.Generators.Name.LOWRANK,
                io.polyhead.eval.gen.GeneratorOptions.defaults().withTasks(4).withSeed(streamSeed));
        for (int b = 0; b < batches; b++) {
            java.util.List<io.polyhead.event.Event> batch = new java.util.ArrayList<>();
            for (int k = 0; k < 32; k++) {
                io.polyhead.event.Event e = gen.next();
                if (learner.admit(e) == null) {
                    batch.add(e);
                }
            }
            learner.absorbIfChanged("r" + streamSeed);
            learner.learn(batch);
            learner.publish("r" + streamSeed);
        }
        return learner;
    }

    @Test
    void aPartitionRestoredIntoARunningProcessLeavesItsLiveOptimiser() throws IOException {
        byte[] stored = ModelCodec.encodeTrunk(learned(new ReplicaGroup("elsewhere"), 7, 3));
        ReplicaGroup group = new ReplicaGroup("here");
        MultiTaskLearner running = learned(group, 8, 5);
        byte[] live = shared(running.trunkOptimizer());
        MultiTaskLearner moved = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(8, 8).build(), group);
        ModelCodec.decodeTrunk(moved, stored);
        assertArrayEquals(live, shared(running.trunkOptimizer()), "the live state stays");

        ReplicaGroup fresh = new ReplicaGroup("starting");
        MultiTaskLearner first = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(8, 8).build(), fresh);
        ModelCodec.decodeTrunk(first, stored);
        assertFalse(Arrays.equals(live, shared(first.trunkOptimizer())));
        assertTrue(first.trunkOptimizer().steps() > 0, "a process's first restored partition brings its state");
    }
}
