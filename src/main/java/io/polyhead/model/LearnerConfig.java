package io.polyhead.model;

import io.polyhead.event.TaskType;
import io.polyhead.optim.Rates;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How a learner is built: immutable, checked on construction, kept apart from the learner's running
 * state. {@link #defaults()} gives Polyhead's defaults; {@link #toBuilder()} copies with changes.
 *
 * @param model          what is shared between tasks
 * @param inputDim       input features; 0 = take it from the first event, then fixed
 * @param hidden         trunk hidden widths (ReLU); ignored by the {@code independent} baseline
 * @param batchSize      events per learning step, at least 1
 * @param trunkOptimizer the trunk's optimiser
 * @param trunkRate      the trunk's (starting) learning rate
 * @param headOptimizer  the heads' step rule
 * @param headRate       the heads' (starting) learning rate
 * @param standardize    standardise features online (running mean and variance)
 * @param headSeesInput  heads see the standardised raw features beside the trunk's, so a task can
 *                       always fall back to a linear model of its own (no negative transfer from a
 *                       trunk that does not suit it)
 * @param localHeads     in the shared model, give each task a local linear head on the raw features
 *                       beside its trunk head and blend the two by their recent losses
 * @param meta           the meta-learner: the trunk's rate adapts (hypergradient descent on Adam) and new
 *                       tasks start from priors learned on the stream
 * @param defaultType    head kind for a task whose first event names none
 * @param seed           seeds every random choice of the learner
 * @param dataType       FLOAT for learning, DOUBLE for gradient checks
 */
public record LearnerConfig(ModelKind model, int inputDim, int[] hidden, int batchSize,
                            OptimizerKind trunkOptimizer, double trunkRate, HeadOptimizerKind headOptimizer,
                            double headRate,
                            boolean standardize, boolean headSeesInput, boolean localHeads, boolean meta,
                            TaskType defaultType,
                            long seed,
                            DataType dataType) {

    /** The trunk optimisers. */
    public enum OptimizerKind { ADAM, SGD }

    /** The heads' step rules: normalised SGD (NLMS, the default), plain SGD, or Autostep's per-weight rates. */
    public enum HeadOptimizerKind { NLMS, SGD, AUTOSTEP }

    public LearnerConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(trunkOptimizer, "trunkOptimizer");
        Objects.requireNonNull(headOptimizer, "headOptimizer");
        Objects.requireNonNull(defaultType, "defaultType");
        Objects.requireNonNull(dataType, "dataType");
        if (inputDim < 0) {
            throw new IllegalArgumentException("input dimension must be 0 (from the first event) or positive. Got: " + inputDim);
        }
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden widths must be positive. Got: " + Arrays.toString(hidden));
            }
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1. Got: " + batchSize);
        }
        Rates.checkRate("trunk learning rate", trunkRate);
        Rates.checkRate("head learning rate", headRate);
    }


    /** Polyhead's defaults: shared trunk 128-128 with Adam 3e-3, NLMS heads at 0.05, local heads blended, batch 32. */
    public static LearnerConfig defaults() {
        return new LearnerConfig(ModelKind.SHARED, 0, new int[] {128, 128}, 32, OptimizerKind.ADAM, 3e-3, HeadOptimizerKind.NLMS, 0.05,
                true, true, true, true, TaskType.REGRESSION, 42L, DataType.FLOAT);
    }

    /** The hidden widths (a copy). */
    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** The hidden widths the model really uses: none for the independent baseline. */
    public int[] effectiveHidden() {
        return model == ModelKind.INDEPENDENT ? new int[0] : hidden.clone();
    }

    /** Whether heads get the raw features beside the trunk's (never with an identity trunk). */
    public boolean effectiveHeadSeesInput() {
        return headSeesInput && model != ModelKind.INDEPENDENT && hidden.length > 0;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LearnerConfig c && model == c.model && inputDim == c.inputDim
                && Arrays.equals(hidden, c.hidden) && batchSize == c.batchSize && trunkOptimizer == c.trunkOptimizer
                && trunkRate == c.trunkRate && headOptimizer == c.headOptimizer && headRate == c.headRate && standardize == c.standardize
                && headSeesInput == c.headSeesInput && localHeads == c.localHeads && meta == c.meta && defaultType == c.defaultType && seed == c.seed
                && dataType == c.dataType;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, inputDim, Arrays.hashCode(hidden), batchSize, trunkOptimizer, trunkRate, headOptimizer, headRate,
                standardize, headSeesInput, localHeads, meta, defaultType, seed, dataType);
    }

    @Override
    public String toString() {
        return "model=" + model.cliName() + " inputDim=" + (inputDim == 0 ? "auto" : inputDim)
                + " hidden=" + Arrays.toString(effectiveHidden()) + " batch=" + batchSize
                + " trunk=" + trunkOptimizer.name().toLowerCase() + "@" + trunkRate + " heads=" + headOptimizer.name().toLowerCase() + "@" + headRate
                + " standardize=" + standardize + " headSeesInput=" + effectiveHeadSeesInput() + " localHeads=" + localHeads + " meta=" + (meta ? "on" : "off")
                + " defaultType=" + defaultType.jsonName() + " seed=" + seed;
    }

    /** Copies a configuration with changes. */
    public static final class Builder {
        private ModelKind model;
        private int inputDim;
        private int[] hidden;
        private int batchSize;
        private OptimizerKind trunkOptimizer;
        private double trunkRate;
        private HeadOptimizerKind headOptimizer;
        private double headRate;
        private boolean standardize;
        private boolean headSeesInput;
        private boolean localHeads;
        private boolean meta;
        private TaskType defaultType;
        private long seed;
        private DataType dataType;

        private Builder(LearnerConfig c) {
            model = c.model;
            inputDim = c.inputDim;
            hidden = c.hidden;
            batchSize = c.batchSize;
            trunkOptimizer = c.trunkOptimizer;
            trunkRate = c.trunkRate;
            headOptimizer = c.headOptimizer;
            headRate = c.headRate;
            standardize = c.standardize;
            headSeesInput = c.headSeesInput;
            localHeads = c.localHeads;
            meta = c.meta;
            defaultType = c.defaultType;
            seed = c.seed;
            dataType = c.dataType;
        }

        public Builder model(ModelKind v) { model = v; return this; }
        public Builder inputDim(int v) { inputDim = v; return this; }
        public Builder hidden(int... v) { hidden = v.clone(); return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder trunkOptimizer(OptimizerKind v) { trunkOptimizer = v; return this; }
        public Builder trunkRate(double v) { trunkRate = v; return this; }
        public Builder headOptimizer(HeadOptimizerKind v) { headOptimizer = v; return this; }
        public Builder headRate(double v) { headRate = v; return this; }
        public Builder standardize(boolean v) { standardize = v; return this; }
        public Builder headSeesInput(boolean v) { headSeesInput = v; return this; }
        public Builder localHeads(boolean v) { localHeads = v; return this; }
        public Builder meta(boolean v) { meta = v; return this; }
        public Builder defaultType(TaskType v) { defaultType = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder dataType(DataType v) { dataType = v; return this; }

        public LearnerConfig build() {
            return new LearnerConfig(model, inputDim, hidden, batchSize, trunkOptimizer, trunkRate, headOptimizer, headRate,
                    standardize, headSeesInput, localHeads, meta, defaultType, seed, dataType);
        }
    }
}
