package io.polyhead.model;

import io.polyhead.event.TaskType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A learner's bookkeeping as one replica of a shared model ({@link MultiTaskLearner#share}): its own
 * part of the model kept apart from what it {@link MultiTaskLearner#absorb absorbed} from the others, so
 * that the shared trunk can be put together again at any time as the initial trunk plus the sum of every
 * replica's own steps ({@link Contribution}).
 */
final class ReplicaShare {
    /** The initial trunk, the same in every replica: it comes from the configuration's seed. */
    final double[] initial;
    /** The sum of this replica's own trunk steps. */
    final double[] own;
    /** The moments of this replica's own events' features and regression labels. */
    final Standardizer ownFeatures;
    final TargetScale ownLabels;
    /** The other replicas' latest contributions, by replica. */
    private final Map<String, Contribution> others = new LinkedHashMap<>();
    /** The other replicas' steps when last absorbed: what the model's version adds to this replica's own. */
    long otherSteps;
    /** Grows by one at each restore from stored state ({@link Contribution#generation}). */
    long generation;
    /**
     * The largest distance, at an absorb, between this replica's trunk and the shared trunk it then took,
     * relative to how far the shared trunk had moved from its start: how far replicas drift apart between
     * syncs. Measured once this replica took {@link #DRIFT_AFTER} steps (before, the shared trunk has barely
     * moved and any step is large beside it); since this learner was built; not stored.
     */
    double maxDrift;
    static final int DRIFT_AFTER = 100;

    ReplicaShare(double[] initial, Standardizer ownFeatures, TargetScale ownLabels) {
        this.initial = initial;
        this.own = new double[initial.length];
        this.ownFeatures = ownFeatures;
        this.ownLabels = ownLabels;
    }

    /** Adds one own trunk step: the parameters after it less those before. */
    void addStep(double[] after, double[] before) {
        for (int i = 0; i < own.length; i++) {
            own[i] += after[i] - before[i];
        }
    }

    /**
     * Takes the others' latest contributions (any order; this replica's own and ones of another shape skipped;
     * the board admits only finite ones) and
     * puts the shared parts together again: {@code trunk = initial + own + Σ others}, the stream's moments
     * from everyone's. Returns how many contributions it used.
     */
    int absorb(Collection<Contribution> latest, String self, double[] trunk, Standardizer features, TargetScale labels,
            boolean measureDrift) {
        boolean hadOthers = !others.isEmpty();
        others.clear();
        long steps = 0;
        for (Contribution c : latest) {
            if (c.replica().equals(self) || c.trunkDelta().length != own.length
                    || c.features().dimension() != ownFeatures.dimension()) {
                continue;
            }
            others.put(c.replica(), c);
            steps += c.steps();
        }
        otherSteps = Math.max(otherSteps, steps);
        if (others.isEmpty() && !hadOthers) {
            return 0; // nothing to put together: the trunk is this replica's own
        }
        double[] next = new double[trunk.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = initial[i] + own[i];
        }
        for (Contribution c : others.values()) {
            float[] d = c.trunkDelta();
            for (int i = 0; i < next.length; i++) {
                next[i] += d[i];
            }
        }
        for (double v : next) {
            if (!Double.isFinite(v)) {
                others.clear();
                return 0; // cannot happen with finite parts short of overflow; the trunk stays as it was
            }
        }
        if (measureDrift) {
            double gap = 0;
            double size = 0;
            for (int i = 0; i < next.length; i++) {
                gap += (trunk[i] - next[i]) * (trunk[i] - next[i]);
                size += (next[i] - initial[i]) * (next[i] - initial[i]);
            }
            if (size > 0) {
                maxDrift = Math.max(maxDrift, Math.sqrt(gap / size));
            }
        }
        System.arraycopy(next, 0, trunk, 0, next.length);
        List<Standardizer> f = new ArrayList<>();
        List<TargetScale> l = new ArrayList<>();
        f.add(ownFeatures);
        l.add(ownLabels);
        for (Contribution c : others.values()) {
            f.add(c.features());
            l.add(c.labels());
        }
        features.mergeOf(f);
        labels.mergeOf(l);
        return others.size();
    }

    /** The others' established heads of one shape, by task. */
    Map<String, double[]> otherHeads(String shape) {
        Map<String, double[]> heads = new LinkedHashMap<>();
        for (Contribution c : others.values()) {
            Map<String, double[]> h = c.heads().get(shape);
            if (h != null) {
                heads.putAll(h);
            }
        }
        return heads;
    }

    /** The others' new tasks' start losses of one kind. */
    List<double[]> otherStartLosses(TaskType type) {
        List<double[]> losses = new ArrayList<>();
        for (Contribution c : others.values()) {
            losses.addAll(c.startLosses().getOrDefault(type, List.of()));
        }
        return losses;
    }

    int replicasKnown() {
        return others.size();
    }
}
