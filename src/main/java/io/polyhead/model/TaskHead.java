package io.polyhead.model;

import io.polyhead.meta.NewTaskStart;

/**
 * Everything one head key owns: the head on the shared trunk's features, and — in the shared model —
 * a local linear head on the standardised raw features (each a {@link RatedHead}: with the
 * meta-learner, learned at several rates at once) with the {@link LossBlend} that weighs the
 * two. With the meta-learner on, a new task's trunk head first runs as a {@link NewTaskStart} (zero and
 * prior mean heads at several rates, and the prior subspace, side by side) until the best is kept.
 */
public final class TaskHead {
    private final RatedHead trunkHead;
    private final RatedHead localHead;
    private final LossBlend blend;
    private NewTaskStart start;
    /** The candidate kept ({@link NewTaskStart#nameOf}); -1 before or without one. */
    private int startTaken = -1;
    private double[] startLosses;
    /** Labels / 16 when this head was last given to the prior (refreshed every 16 labels); -1 never. */
    long priorObservedAt = -1;

    /**
     * @param trunkHead the head on the trunk's output (for baselines, on what the model feeds). Never null.
     * @param localHead a linear head on the raw features. May be null (baselines).
     * @param blend     weighs the two heads. Null exactly when {@code localHead} is.
     */
    TaskHead(RatedHead trunkHead, RatedHead localHead, LossBlend blend) {
        this.trunkHead = trunkHead;
        this.localHead = localHead;
        this.blend = blend;
    }

    public RatedHead trunkHead() {
        return trunkHead;
    }

    /** May be null. */
    public RatedHead localHead() {
        return localHead;
    }

    /** May be null. */
    public LossBlend blend() {
        return blend;
    }

    /** Whether this task blends a local head with the trunk head. */
    public boolean blended() {
        return localHead != null;
    }

    /** Weight of the trunk head in the prediction: 1 without a local head. */
    public double trunkWeight() {
        return blend == null ? 1.0 : blend.trunkWeight();
    }

    /** The candidate starts while they run, else null. */
    public NewTaskStart start() {
        return start != null && start.active() ? start : null;
    }

    /** Which start the task kept, or null (no prior was available, or still deciding). */
    public NewTaskStart.Kind startTaken() {
        return startTaken < 0 ? null : NewTaskStart.kindOf(startTaken);
    }

    /** The candidate the task kept, start and rate ({@link NewTaskStart#nameOf}); -1 when none. */
    public int startCandidate() {
        return startTaken;
    }

    /**
     * The mean loss of each of the {@link NewTaskStart#CANDIDATES} candidates over this task's window, once
     * it has chosen; null before, when it had no candidates, or when it was restored from a format that
     * did not keep them. A copy. New tasks learn their prior weights from these.
     */
    /** Whether the task chose a start and kept its candidates' window losses ({@link #startLosses}). */
    boolean hasStartLosses() {
        return startLosses != null;
    }

    public double[] startLosses() {
        return startLosses == null ? null : startLosses.clone();
    }

    void beginStart(NewTaskStart s) {
        this.start = s;
    }

    /** Ends the candidate phase: the best candidate's weights become the trunk head's. */
    void keepBestStart() {
        trunkHead.setWeights(start.winner());
        startTaken = start.best();
        startLosses = start.meanLosses();
        start = null;
    }

    void restoreStart(int candidate, double[] losses) {
        this.startTaken = candidate;
        this.startLosses = losses;
    }
}
