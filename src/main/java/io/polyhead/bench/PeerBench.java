package io.polyhead.bench;

import io.polyhead.event.Event;
import io.polyhead.event.TaskType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Times the DL4J peer over the same in-memory events as {@link CoreBench}. */
final class PeerBench {
    private PeerBench() {
    }

    static CoreBench.Result run(int inputDim, int[] hidden, double rate, long seed, int batchSize, List<Event> events) {
        Map<String, Dl4jMultiTaskPeer.PeerTask> tasks = new LinkedHashMap<>();
        for (Event e : events) {
            tasks.computeIfAbsent(e.task(), id -> switch (e.type() == null ? TaskType.REGRESSION : e.type()) {
                case BINARY -> Dl4jMultiTaskPeer.PeerTask.binary(id);
                case REGRESSION -> Dl4jMultiTaskPeer.PeerTask.regression(id);
                case MULTICLASS -> Dl4jMultiTaskPeer.PeerTask.multiclass(id, e.classes());
            });
        }
        Dl4jMultiTaskPeer peer = new Dl4jMultiTaskPeer(inputDim, hidden, new ArrayList<>(tasks.values()), rate, seed);
        double[] losses = new double[events.size()];
        int k = 0;
        long t0 = System.nanoTime();
        for (int from = 0; from < events.size(); from += batchSize) {
            double[] l = peer.learn(events.subList(from, Math.min(events.size(), from + batchSize)));
            System.arraycopy(l, 0, losses, k, l.length);
            k += l.length;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new CoreBench.Result("dl4j ComputationGraph", batchSize, events.size(), seconds,
                CoreBench.mean(losses, 0, k), CoreBench.mean(losses, k / 2, k));
    }
}
