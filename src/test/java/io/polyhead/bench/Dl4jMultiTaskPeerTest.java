package io.polyhead.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.bench.Dl4jMultiTaskPeer.PeerTask;
import io.polyhead.event.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class Dl4jMultiTaskPeerTest {
    private static final int TASKS = 5;
    private static final int DIM = 8;

    /** Binary tasks on standard-normal-ish features: label = [w_t · x > 0], one random w_t per task. */
    static List<Event> binaryStream(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] w = new double[TASKS][DIM];
        for (double[] row : w) {
            for (int j = 0; j < DIM; j++) {
                row[j] = r.nextDouble(-1, 1);
            }
        }
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int t = r.nextInt(TASKS);
            float[] x = new float[DIM];
            double s = 0;
            for (int j = 0; j < DIM; j++) {
                x[j] = (float) r.nextDouble(-1.7, 1.7);
                s += w[t][j] * x[j];
            }
            events.add(Event.of("t" + t, x, s > 0 ? 1.0 : 0.0));
        }
        return events;
    }

    static List<PeerTask> binaryTasks() {
        List<PeerTask> tasks = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            tasks.add(PeerTask.binary("t" + t));
        }
        return tasks;
    }

    private static Dl4jMultiTaskPeer peer() {
        return new Dl4jMultiTaskPeer(DIM, new int[] {32, 32}, binaryTasks(), Dl4jMultiTaskPeer.DEFAULT_LEARNING_RATE, 7);
    }

    static double[] run(Dl4jMultiTaskPeer peer, List<Event> events, int batchSize) {
        double[] losses = new double[events.size()];
        for (int from = 0; from < events.size(); from += batchSize) {
            int to = Math.min(events.size(), from + batchSize);
            double[] batch = peer.learn(events.subList(from, to));
            System.arraycopy(batch, 0, losses, from, batch.length);
        }
        return losses;
    }

    @Test
    void learnsTheStreamPrequentially() {
        int n = 4000;
        double[] losses = run(peer(), binaryStream(n, 3), 16);
        double first = Dl4jMultiTaskPeer.meanLoss(Arrays.copyOfRange(losses, 0, n / 4));
        double last = Dl4jMultiTaskPeer.meanLoss(Arrays.copyOfRange(losses, 3 * n / 4, n));
        assertTrue(last < Math.log(2), "last quarter log loss " + last + " should beat chance " + Math.log(2));
        assertTrue(last < 0.75 * first, "last quarter " + last + " should be clearly below first quarter " + first);
    }

    @Test
    void aBatchOfOneTaskLeavesTheOtherOutputLayersUnchanged() {
        Dl4jMultiTaskPeer peer = peer();
        List<Event> onlyA = binaryStream(2000, 5).stream().filter(e -> e.task().equals("t0")).limit(64).toList();
        INDArray a = peer.graph().getLayer(peer.outputLayerName("t0")).params().dup();
        INDArray b = peer.graph().getLayer(peer.outputLayerName("t1")).params().dup();
        INDArray trunk = peer.graph().getLayer("dense1").params().dup();

        peer.learn(onlyA);

        assertEquals(1, peer.fits());
        assertEquals(b, peer.graph().getLayer(peer.outputLayerName("t1")).params(), "task t1's output layer moved");
        assertNotEquals(a, peer.graph().getLayer(peer.outputLayerName("t0")).params(), "task t0's output layer did not learn");
        assertNotEquals(trunk, peer.graph().getLayer("dense1").params(), "the shared trunk did not learn");
    }

    @Test
    void unlabeledEventsArePredictedButNotLearned() {
        Dl4jMultiTaskPeer peer = peer();
        List<Event> unlabeled = binaryStream(40, 9).stream().map(e -> Event.of(e.task(), e.features(), null)).toList();
        INDArray before = peer.graph().params().dup();

        double[] losses = peer.learn(unlabeled);

        assertEquals(40, losses.length);
        assertTrue(Arrays.stream(losses).allMatch(Double::isNaN));
        assertEquals(0, peer.fits());
        assertEquals(before, peer.graph().params());
        assertTrue(Double.isNaN(Dl4jMultiTaskPeer.meanLoss(losses)));
    }

    @Test
    void regressionAndMulticlassHeadsLearnBesideBinary() {
        SplittableRandom r = new SplittableRandom(11);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            float[] x = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                x[j] = (float) r.nextDouble(-1.7, 1.7);
            }
            double s = x[0] - x[1] + 0.5 * x[2];
            int t = r.nextInt(3);
            double label = switch (t) {
                case 0 -> s > 0 ? 1 : 0;
                case 1 -> 2 * s + 1;
                default -> s < -0.7 ? 0 : s < 0.7 ? 1 : 2;
            };
            events.add(Event.of("k" + t, x, label));
        }
        Dl4jMultiTaskPeer peer = new Dl4jMultiTaskPeer(DIM, new int[] {32},
                List.of(PeerTask.binary("k0"), PeerTask.regression("k1"), PeerTask.multiclass("k2", 3)),
                Dl4jMultiTaskPeer.DEFAULT_LEARNING_RATE, 1);
        double[] losses = run(peer, events, 16);
        for (int t = 0; t < 3; t++) {
            String task = "k" + t;
            double first = meanOfTask(events, losses, task, 0, 750);
            double last = meanOfTask(events, losses, task, 2250, 3000);
            assertTrue(Double.isFinite(last) && last < first, task + ": last " + last + " vs first " + first);
        }
    }

    private static double meanOfTask(List<Event> events, double[] losses, String task, int from, int to) {
        double sum = 0;
        int count = 0;
        for (int i = from; i < to; i++) {
            if (events.get(i).task().equals(task)) {
                sum += losses[i];
                count++;
            }
        }
        return sum / count;
    }

    @Test
    void rejectsUnknownTasksWrongDimensionsAndBadConfigurations() {
        Dl4jMultiTaskPeer peer = peer();
        assertThrows(IllegalArgumentException.class, () -> peer.learn(List.of(Event.of("nope", new float[DIM], 1.0))));
        assertThrows(IllegalArgumentException.class, () -> peer.learn(List.of(Event.of("t0", new float[3], 1.0))));
        assertThrows(IllegalArgumentException.class,
                () -> new Dl4jMultiTaskPeer(DIM, new int[] {8}, List.of(PeerTask.binary("a"), PeerTask.binary("a")), 1e-3, 1));
        assertThrows(IllegalArgumentException.class, () -> PeerTask.multiclass("m", 1));
        assertEquals(0, peer.learn(List.of()).length);
    }
}
