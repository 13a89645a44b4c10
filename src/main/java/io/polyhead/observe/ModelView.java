package io.polyhead.observe;

import java.util.Map;

/**
 * The shared model as one instance sees it ({@code /api/model}). Figures that do not exist yet are null.
 *
 * @param version           the shared model's version (learning steps of every replica it holds)
 * @param replicas          replicas (stream tasks of every instance) it is made of
 * @param parameters        trainable parameters of the trunk and of this instance's heads
 * @param trunkParameters   the trunk's share of them
 * @param trunkLearningRate the trunk's rate in force
 * @param liveTasks         tasks this instance holds
 * @param createdTasks      tasks that arrived here
 * @param evictedTasks      idle tasks evicted here
 * @param startsTaken       new tasks by the start they took
 * @param trained           events predicted and learned from
 * @param predictedOnly     events predicted without a label
 * @param newTaskFirst10    mean first-10 loss of the tasks that arrived here and have 10 labels
 * @param latencyP50        median seconds from an event's timestamp to its prediction, recent predictions
 * @param latencyP99        the 99th percentile of the same
 * @param pending           events waiting for their batch
 * @param replicaDrift      largest relative distance of a replica's trunk from the shared one
 * @param syncLagSeconds    seconds since another instance's contribution arrived (null while alone)
 */
public record ModelView(long version, int replicas, long parameters, long trunkParameters, Double trunkLearningRate,
                        int liveTasks, long createdTasks, long evictedTasks, Map<String, Long> startsTaken,
                        long trained, long predictedOnly, Double newTaskFirst10, Double latencyP50, Double latencyP99,
                        int pending, Double replicaDrift, Double syncLagSeconds) {
}
