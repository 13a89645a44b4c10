package io.polyhead.model;

import io.polyhead.optim.TrunkOptimizer;

/**
 * The replicas of a shared model that live in one process: they meet on one {@link ReplicaBoard} and step
 * the trunk with one optimiser, so that within a process the shared trunk learns as one learner's would.
 * Measured with {@link io.polyhead.eval.ReplicatedRun} on {@code sinusoid} (60 tasks, 4 replicas, every
 * contribution absorbed before the next batch): an optimiser per replica gave 1.6x the second-half loss of
 * one learner, as four Adam states each averaging a quarter of the gradients over four times as many of
 * the trunk's steps act as extra momentum; one optimiser for all gave 0.76x.
 *
 * <p>Between processes the optimiser's state travels with the contributions ({@link OptimizerState}): a
 * group takes another's over when it is newer ({@link #adoptNewer}).
 *
 * <p>A replica learns under the group's lock: {@code synchronized (group) { absorb; learn; publish }}.
 */
public final class ReplicaGroup {
    private final String name;
    private final ReplicaBoard board;
    private TrunkOptimizer optimizer;
    private double maxDrift;
    private final java.util.Map<String, Integer> waiting = new java.util.HashMap<>();

    /** A group with a name of its own (a random UUID). */
    public ReplicaGroup() {
        this(java.util.UUID.randomUUID().toString());
    }

    /** @param name what the group's contributions give as their origin */
    public ReplicaGroup(String name) {
        this.name = name;
        this.board = new ReplicaBoard(name);
    }

    public String name() {
        return name;
    }

    /** Where the group's replicas publish and read contributions. */
    public ReplicaBoard board() {
        return board;
    }

    /** Notes how many events a replica has waiting for its batch (0 when it closes). */
    public synchronized void noteWaiting(String replica, int events) {
        if (events == 0) {
            waiting.remove(replica);
        } else {
            waiting.put(replica, events);
        }
    }

    /** Events waiting for their batch in the group's replicas, by replica (a copy). */
    public synchronized java.util.Map<String, Integer> waiting() {
        return new java.util.TreeMap<>(waiting);
    }

    /**
     * The largest drift of a replica of the group from the shared trunk when it caught up
     * ({@link MultiTaskLearner#replicaDrift}): how stale replicas got between two absorbs.
     */
    public synchronized double maxDrift() {
        return maxDrift;
    }

    /** Notes a replica's drift ({@link #maxDrift}). */
    public synchronized void noteDrift(double drift) {
        maxDrift = Math.max(maxDrift, drift);
    }

    /** The model's version before the group's optimiser last stepped; -1 before its first step here. */
    private long lastStepVersion = -1;

    /**
     * The shared model's steps since the group's optimiser last stepped, this step included, given the
     * model's version as the stepping replica knows it before the step: 1 when no other process stepped
     * in between (within the group every replica has absorbed the others' steps before it learns), more
     * when steps of other processes arrived ({@link io.polyhead.optim.TrunkOptimizer#step(double[], double[], long)}).
     */
    synchronized long elapsed(long version) {
        long d = lastStepVersion < 0 ? 1 : Math.max(1, version - lastStepVersion);
        lastStepVersion = version;
        return d;
    }

    /** The model's version after the group's optimiser last moved: a step here, or another process's state taken. */
    private long stateVersion = -1;

    private final java.util.Set<String> members = new java.util.HashSet<>();

    /**
     * Notes that {@code replica} is one of the group's (a stream task opening its partition here), before it
     * restores: what the board holds of it, say from before a restart, is this process's own past, and the
     * optimiser state it carries is never taken as another process's ({@link #adoptNewer}).
     */
    public synchronized void member(String replica) {
        members.add(replica);
    }

    /** Notes that {@code replica} left the group (its partition moved away or the process stops). */
    public synchronized void left(String replica) {
        members.remove(replica);
    }

    /** Whether {@code replica} is one of the group's ({@link #member}). */
    synchronized boolean isMember(String replica) {
        return members.contains(replica);
    }

    /** Whether the group's optimiser moved since the group began: a replica stepped it, or it took another's state. */
    synchronized boolean optimizerMoved() {
        return stateVersion >= 0;
    }

    /** Notes that a replica of the group stepped the optimiser, leaving the model at {@code version}. */
    synchronized void stepped(long version) {
        stateVersion = Math.max(stateVersion, version);
    }

    /**
     * {@code c} with the group's optimiser state as it stands now ({@link OptimizerState}, stamped with the model
     * version after the group's optimiser last moved), for other processes to step on from: for what is sent
     * to them, right after the replica's step (under the group's lock where several threads step). Only what
     * leaves the process carries it: a copy of the moments costs about four trunks' worth of bytes.
     */
    public synchronized Contribution withOptimizerState(Contribution c) {
        if (optimizer == null || c == null) {
            return c;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            optimizer.writeShared(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return c.withOptimizer(new OptimizerState(stateVersion, bytes.toByteArray()));
    }

    /**
     * Takes over another process's optimiser state when it stood at a later model version than this group's
     * optimiser: the next step here goes on from the other's last step, as one optimiser stepping for every
     * process would. Measured with {@link io.polyhead.eval.ReplicatedRun} on {@code sinusoid} (60 tasks, 20k
     * events, 4 replicas on 2 instances, contributions on time): each process with its optimiser of its own
     * gave 1.40x the second-half loss of the four replicas in one process, taking the latest state over the
     * same loss exactly. Returns whether it took it; a state that does not read (another configuration) is left.
     */
    synchronized boolean adoptNewer(OptimizerState state) {
        if (state == null || optimizer == null || state.version() <= stateVersion) {
            return false;
        }
        try {
            optimizer.readShared(new java.io.DataInputStream(new java.io.ByteArrayInputStream(state.bytes())));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        stateVersion = state.version();
        return true;
    }

    /** The group's optimiser: the first replica's becomes everyone's. */
    synchronized TrunkOptimizer adopt(TrunkOptimizer candidate) {
        if (optimizer == null) {
            optimizer = candidate;
        }
        return optimizer;
    }
}
