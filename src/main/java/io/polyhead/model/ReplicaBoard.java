package io.polyhead.model;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest {@link Contribution} of every replica of a shared model that one process knows of: where
 * the replicas of one process meet without the network, and where the contributions of other processes
 * arrive (the Kafka layer reads them back from the sync topic). Thread-safe.
 *
 * <p>A replica's own offers always replace what the board holds for it (only one owner publishes for a
 * replica at a time in a process); one that arrives from elsewhere replaces it only when it has more
 * steps, so that a contribution read back late never undoes a newer one. A contribution that is not finite
 * is never taken: the one place that rule is checked, so that replicas absorbing from the board need not.
 */
public final class ReplicaBoard {
    private final Map<String, Contribution> latest = new LinkedHashMap<>();
    private long version;
    private final String self;
    private long lastOtherProcessNanos = Long.MIN_VALUE;

    /** @param self the name of the process (group) this board belongs to */
    public ReplicaBoard(String self) {
        this.self = self;
    }

    /** Offers a contribution published in this process; returns whether it was taken (it is finite). */
    public synchronized boolean offerOwn(Contribution c) {
        if (!c.finite()) {
            return false;
        }
        latest.put(c.replica(), c);
        version++;
        return true;
    }

    /**
     * Offers a contribution read back from elsewhere; returns whether it was newer than the one held: of a
     * later generation, or of the same with more steps.
     */
    public synchronized boolean offerRemote(Contribution c) {
        if (!c.origin().equals(self)) {
            lastOtherProcessNanos = System.nanoTime();
        }
        Contribution held = latest.get(c.replica());
        if (held != null && (held.generation() > c.generation()
                || (held.generation() == c.generation() && held.steps() >= c.steps())) || !c.finite()) {
            return false;
        }
        latest.put(c.replica(), c);
        version++;
        return true;
    }

    /** Seconds since another process's contribution last arrived; NaN when none ever has. */
    public synchronized double secondsSinceOthers() {
        return lastOtherProcessNanos == Long.MIN_VALUE ? Double.NaN
                : (System.nanoTime() - lastOtherProcessNanos) / 1e9;
    }

    /** Whether a contribution of another process arrived within {@code nanos}: other instances are running. */
    public synchronized boolean othersWithin(long nanos) {
        return lastOtherProcessNanos != Long.MIN_VALUE && System.nanoTime() - lastOtherProcessNanos <= nanos;
    }

    /** Grows by one with every accepted offer: a replica absorbs again only when it changed. */
    public synchronized long version() {
        return version;
    }

    /** The latest contribution of every replica known. */
    public synchronized Collection<Contribution> latest() {
        return List.copyOf(latest.values());
    }

    /** The shared model's version as this board knows it: the learning steps of every replica's latest contribution. */
    public synchronized long modelVersion() {
        long steps = 0;
        for (Contribution c : latest.values()) {
            steps += c.steps();
        }
        return steps;
    }

    /** Replicas known. */
    public synchronized int replicas() {
        return latest.size();
    }
}
