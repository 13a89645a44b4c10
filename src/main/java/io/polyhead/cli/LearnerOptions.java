package io.polyhead.cli;

import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ModelKind;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * The learner's options, shared by every command that builds a learner ({@code evaluate},
 * {@code bench}, {@code run}, {@code demo}) so that they read the same way everywhere.
 */
public final class LearnerOptions {
    private static final LearnerConfig DEFAULTS = LearnerConfig.defaults();

    @Option(names = "--model", paramLabel = "KIND", defaultValue = "shared",
            description = "What tasks share: shared (one trunk, a head per task; default), independent (a linear "
                    + "model per task, nothing shared), pooled (one model for all tasks, task ignored).")
    ModelKind model;

    @Option(names = "--input-dim", paramLabel = "D", defaultValue = "0",
            description = "Input features. 0 (default) takes it from the first event; needed up front when events "
                    + "send features as {name: value} objects (they are hashed into D).")
    int inputDim;

    @Option(names = "--hidden", paramLabel = "W[,W...]", defaultValue = "128,128",
            description = "Trunk hidden widths, ReLU after each (default ${DEFAULT-VALUE}); 'none' for no trunk.")
    String hidden;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Events per learning step (default ${DEFAULT-VALUE}). Predictions of a batch come from "
                    + "the model before it; larger batches are faster, smaller ones learn more per event.")
    int batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "Trunk optimiser: adam (default) or sgd.")
    LearnerConfig.OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Trunk learning rate (default: 3e-3).")
    Double trunkRate;

    @Option(names = "--head-optimizer", paramLabel = "NAME", defaultValue = "nlms",
            description = "Head step rule: nlms (default; SGD normalised by the input's squared norm, so one rate "
                    + "suits any feature scale), sgd, or autostep (per-weight rates adapted online, Mahmood et al. 2012).")
    LearnerConfig.HeadOptimizerKind headOptimizer;

    @Option(names = "--head-lr", paramLabel = "RATE",
            description = "Head learning rate (default: 0.05; with nlms, the fraction of its error a step corrects). With the "
                    + "meta-learner and nlms, where each head's rate choice starts: the rate in force is the headRate column.")
    Double headRate;

    @Option(names = "--no-standardize", negatable = false,
            description = "Do not standardise features (running mean and variance; on by default).")
    boolean noStandardize;

    @Option(names = "--no-head-input", negatable = false,
            description = "Heads see only the trunk's features, not also the standardised raw features.")
    boolean noHeadInput;

    @Option(names = "--no-local-heads", negatable = false,
            description = "Shared model only: no local linear head per task beside the trunk head. By default the "
                    + "two are blended by their recent losses, so a task the trunk does not suit is no worse off.")
    boolean noLocalHeads;

    @Option(names = "--meta", paramLabel = "on|off", defaultValue = "on",
            description = "The meta-learner (default ${DEFAULT-VALUE}): the trunk's learning rate adapts (hypergradient "
                    + "descent on Adam, from --lr); every head is learned at three rates at once and answers with their "
                    + "mixture, weighted by recent losses; and a new task's head starts from priors learned on the stream: "
                    + "for its first 20 labels (80 for classifiers) a zero head and the mean head at three rates, the heads' "
                    + "subspace and a Newton head run side by side, weighted by how they and earlier new tasks did; the "
                    + "best is kept (the 'start' column).")
    String meta;

    @Option(names = "--default-type", paramLabel = "TYPE", defaultValue = "regression",
            description = "Head kind for a task whose first event has no \"type\": regression (default), binary. "
                    + "Multiclass needs \"classes\" and so must be named in the event.")
    TaskType defaultType;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seeds the learner's initial weights (default ${DEFAULT-VALUE}).")
    long seed;

    /** The configuration these options describe; the errors name the bad value. */
    public LearnerConfig toConfig() {
        try {
            return build();
        } catch (IllegalArgumentException e) {
            throw new UserErrors.UserError(optionOf(e.getMessage()) + e.getMessage());
        }
    }

    /** The option a setting's refusal is about, from the learner's words for it ("batch size must ..."). */
    private static String optionOf(String message) {
        String[][] settings = {{"input dimension", "--input-dim"}, {"hidden widths", "--hidden"},
            {"batch size", "--batch-size"}, {"trunk learning rate", "--lr"}, {"head learning rate", "--head-lr"}};
        for (String[] s : settings) {
            if (message.startsWith(s[0])) {
                return s[1] + ": ";
            }
        }
        return "";
    }

    private LearnerConfig build() {
        return DEFAULTS.toBuilder()
                .model(model)
                .inputDim(inputDim)
                .hidden(parseHidden(hidden))
                .batchSize(batchSize)
                .trunkOptimizer(optimizer)
                .trunkRate(trunkRate == null ? DEFAULTS.trunkRate() : trunkRate)
                .headOptimizer(headOptimizer)
                .headRate(headRate == null ? DEFAULTS.headRate() : headRate)
                .localHeads(!noLocalHeads)
                .meta(parseOnOff("--meta", meta))
                .standardize(!noStandardize)
                .headSeesInput(!noHeadInput)
                .defaultType(defaultType)
                .seed(seed)
                .build();
    }

    static boolean parseOnOff(String option, String value) {
        switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on": case "true": case "yes":
                return true;
            case "off": case "false": case "no":
                return false;
            default:
                throw new IllegalArgumentException(option + " takes on or off. Got: " + value);
        }
    }

    static int[] parseHidden(String spec) {
        String s = spec.trim();
        if (s.isEmpty() || s.equalsIgnoreCase("none")) {
            return new int[0];
        }
        try {
            return Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--hidden takes widths separated by commas, like 64,64, or 'none'. Got: "
                    + spec);
        }
    }
}
