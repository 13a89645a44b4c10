package io.polyhead.model;

/**
 * Blends a task's two heads — the one on the shared trunk and a local linear one on the raw features
 * — by their recent prequential losses, so a task that the trunk does not suit falls back to a model
 * of its own: sharing cannot make a task much worse than learning it alone.
 *
 * <p>Each head's loss is tracked as a running mean over its first events, then an exponential moving
 * average with memory of about {@code 1/MIN_ALPHA} events. The weight of the trunk head is
 * {@code a = m_local^p / (m_trunk^p + m_local^p)}: scale-free (regression losses of any magnitude
 * give the same weights), ½ while both are equal, close to 1 or 0 once one is clearly better. For
 * convex losses the blend's loss is at most {@code a ℓ_trunk + (1 − a) ℓ_local} (Jensen).
 */
public final class LossBlend {
    /** Smallest EMA weight: the blend remembers about the last 50 events of each head. */
    static final double MIN_ALPHA = 0.02;
    /** Sharpness of the weighting: a 2x lower loss gets 16x the weight. */
    static final double POWER = 4;

    private double trunkLoss;
    private double localLoss;
    private long count;

    private double initialTrunkWeight = 0.5;
    /** {@link #trunkWeight}, worked out when the losses change rather than at every prediction. */
    private double trunkWeight = 0.5;

    /**
     * Trusts the trunk head fully until the first label: for a new task whose trunk head starts from a
     * prior learned on other tasks, while its local head knows nothing yet.
     */
    void trustTrunkAtFirst() {
        initialTrunkWeight = 1.0;
        trunkWeight = weight();
    }

    double initialTrunkWeight() {
        return initialTrunkWeight;
    }

    void restoreInitialTrunkWeight(double w) {
        initialTrunkWeight = w;
        trunkWeight = weight();
    }

    /** Weight of the trunk head in [0, 1]; ½ before any label (1 for a task that starts from a prior). */
    public double trunkWeight() {
        return trunkWeight;
    }

    private double weight() {
        if (count == 0) {
            return initialTrunkWeight;
        }
        double t = Math.pow(trunkLoss + 1e-12, POWER);
        double l = Math.pow(localLoss + 1e-12, POWER);
        double a = l / (t + l);
        return Double.isFinite(a) ? a : (trunkLoss <= localLoss ? 1.0 : 0.0);
    }

    /** Records both heads' prequential losses on one labeled event. */
    public void update(double trunkHeadLoss, double localHeadLoss) {
        count++;
        double alpha = Math.max(1.0 / count, MIN_ALPHA);
        trunkLoss += alpha * (trunkHeadLoss - trunkLoss);
        localLoss += alpha * (localHeadLoss - localLoss);
        trunkWeight = weight();
    }

    /** Recent mean loss of the trunk head. */
    public double trunkLoss() {
        return trunkLoss;
    }

    /** Recent mean loss of the local head. */
    public double localLoss() {
        return localLoss;
    }

    long count() {
        return count;
    }

    void restore(long count, double trunkLoss, double localLoss) {
        this.count = count;
        this.trunkLoss = trunkLoss;
        this.localLoss = localLoss;
        this.trunkWeight = weight();
    }
}
