package io.polyhead.model;

import io.polyhead.event.TaskType;
import java.util.List;
import java.util.Map;

/**
 * What one replica of the shared model has added to it, as a whole since it began: the sum of its own
 * trunk steps, the moments of its own events' features and regression labels, the established heads of
 * its tasks (for the new-task priors) and the evidence of its new tasks' starts. A replica publishes its
 * latest contribution and every other replica {@link MultiTaskLearner#absorb absorbs} it: the shared
 * trunk is the common initial trunk plus the sum of every replica's steps, the stream's feature and label
 * statistics merge exactly (Chan et al.'s parallel moments), and a new task on any replica starts from
 * the heads of all.
 *
 * <p>Because a contribution is a whole and not an increment, only a replica's latest one matters: one
 * that arrives late, twice or out of order does no harm, and a compacted topic keyed by replica keeps
 * exactly what a newcomer needs. Immutable once built; the arrays are not copied.
 *
 * @param replica       which replica (a Kafka Streams task id, or any unique name)
 * @param origin        the {@link ReplicaGroup} (process) that published it
 * @param generation    grows each time the replica is restored from its stored state: a contribution of a
 *                      later generation replaces one of an earlier, whatever their steps (the earlier may
 *                      hold steps that were never committed)
 * @param steps         learning steps this replica took: its share of the shared model's version
 * @param trunkDelta    the sum of this replica's own trunk steps, in {@link Trunk#params()} layout
 * @param features      the moments of the features of this replica's own events
 * @param labels        the moments of this replica's own regression labels
 * @param heads         per head shape, established heads by task (at most {@code HeadPrior.MAX_TASKS})
 * @param startLosses   per task kind, the start-window losses of this replica's latest new tasks, oldest first
 * @param optimizer     the trunk optimiser's state of the replica's process when the contribution was sent,
 *                      for other processes to go on from ({@link OptimizerState}); null in what stays in the
 *                      process ({@link ReplicaGroup#withOptimizerState})
 */
public record Contribution(String replica, String origin, long generation, long steps, float[] trunkDelta, Standardizer features,
        TargetScale labels, Map<String, Map<String, double[]>> heads, Map<TaskType, List<double[]>> startLosses,
        OptimizerState optimizer) {

    /** This contribution with {@code state} as its optimiser state. */
    public Contribution withOptimizer(OptimizerState state) {
        return new Contribution(replica, origin, generation, steps, trunkDelta, features, labels, heads, startLosses, state);
    }

    /** Whether every number in it is finite: one that is not is never absorbed. */
    public boolean finite() {
        for (float v : trunkDelta) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        if (!features.finite() || !labels.finite()) {
            return false;
        }
        for (Map<String, double[]> shape : heads.values()) {
            for (double[] w : shape.values()) {
                for (double v : w) {
                    if (!Double.isFinite(v)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
