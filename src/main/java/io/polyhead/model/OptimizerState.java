package io.polyhead.model;

/**
 * The trunk optimiser's state of one process as it stood after a step of the shared model
 * ({@link io.polyhead.optim.TrunkOptimizer#writeShared}): what lets the processes step the shared trunk as one
 * optimiser would, instead of each with moments and a rate of its own. A process whose optimiser last moved at
 * an earlier model version takes it over before its next step ({@link ReplicaGroup#adoptNewer}).
 *
 * @param version the shared model's version (its steps, as the publishing replica knew them) after that step
 * @param bytes   the state; not copied
 */
public record OptimizerState(long version, byte[] bytes) {
}
