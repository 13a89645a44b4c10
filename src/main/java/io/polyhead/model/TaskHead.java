package io.polyhead.model;

/**
 * Everything one head key owns: the head on the shared trunk's features, and — in the shared model —
 * a local linear head on the standardised raw features with the {@link LossBlend} that weighs the
 * two. The baselines have only the first.
 *
 * @param trunkHead the head on the trunk's output (for baselines, on what the model feeds). Never null.
 * @param localHead a linear head on the raw features. May be null (baselines).
 * @param blend     weighs the two heads. Null exactly when {@code localHead} is.
 */
public record TaskHead(Head trunkHead, Head localHead, LossBlend blend) {

    /** Whether this task blends a local head with the trunk head. */
    public boolean blended() {
        return localHead != null;
    }

    /** Weight of the trunk head in the prediction: 1 without a local head. */
    public double trunkWeight() {
        return blend == null ? 1.0 : blend.trunkWeight();
    }
}
