package io.polyhead.cli;

import io.polyhead.eval.EvaluationReport;
import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.eval.RealDataExperiment;
import io.polyhead.eval.Runs;
import io.polyhead.eval.RealDataExperiment.Heterogeneous;
import io.polyhead.eval.TaskMetrics;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ModelKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code polyhead bench real}: the learner on streams made from real public tables. */
@Command(name = "real", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The learner on real data, without Kafka: streams made from the public tables in --data (letters,",
            "vehicle silhouettes, Fiji earthquakes), named features hashed into 64 inputs, default settings.",
            "  1. heterogeneous: 5 binary letter tasks, a 4-class vehicle task and a regression task on a raw scale,",
            "     30,000 events; shared vs independent vs one scikit-learn MLP per task (the reference figures);",
            "  2. letters: 26 binary tasks, 10 from the start and one new every 2,000 events, 60,000 events;",
            "  3. with --grid: every --head-lr 0.01..2 and --lr 1e-4..1 (meta on and off) on both streams and the four",
            "     synthetic ones (20 tasks); every loss must be finite (exit 1 if not).",
            "",
            "  4. with --replicas N: both streams again as the shared model on Kafka learns them, N replicas (partitions)",
            "     in one instance and in two (contributions between them every 32 events per replica), without Kafka.",
            "",
            "Examples:",
            "  ./polyhead bench real --grid",
            "  ./polyhead bench real --replicas 4"})
public final class BenchRealCommand implements Callable<Integer> {
    static final double[] HEAD_RATES = {0.01, 0.05, 0.1, 0.2, 0.5, 1, 2};
    static final double[] TRUNK_RATES = {1e-4, 1e-3, 1e-2, 1e-1, 1};

    @Mixin
    TablesOption tables;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the streams (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--grid", description = "Also run the rate grid (every loss finite); takes a few minutes.")
    boolean grid;

    @Option(names = "--grid-events", paramLabel = "N", defaultValue = "30000",
            description = "Events per grid run (default ${DEFAULT-VALUE}).")
    long gridEvents;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "0",
            description = "Also run both streams on N replicas of the shared model, in one instance and in two "
                    + "(default ${DEFAULT-VALUE}: not run).")
    int replicas;

    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (replicas < 0 || replicas == 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--replicas must be 0 (none) or at least 2. Got: " + replicas);
        }
        Path data = tables.require();
        byte[] hetero = RealDataExperiment.jsonl(RealDataExperiment.heterogeneous(data, seed),
                RealDataExperiment.HETEROGENEOUS_EVENTS);
        byte[] letters = RealDataExperiment.jsonl(RealDataExperiment.letters(data, seed), RealDataExperiment.LETTERS_EVENTS);
        // Both streams, shared and independent, on every core.
        List<PrequentialMetrics> first = Runs.all(List.of(() -> run(hetero, ModelKind.SHARED).metrics(),
                () -> run(hetero, ModelKind.INDEPENDENT).metrics(), () -> run(letters, ModelKind.SHARED).metrics(),
                () -> run(letters, ModelKind.INDEPENDENT).metrics()));
        Heterogeneous shared = Heterogeneous.of(first.get(0));
        Heterogeneous independent = Heterogeneous.of(first.get(1));
        Heterogeneous sk = RealDataExperiment.SKLEARN_REFERENCE;
        out.printf(Locale.ROOT, "heterogeneous stream (seed %d, %d events, --input-dim %d, defaults)%n", seed,
                RealDataExperiment.HETEROGENEOUS_EVENTS, RealDataExperiment.INPUT_DIM);
        out.printf(Locale.ROOT, "%-34s %10s %12s %14s%n", "task", "shared", "independent", "sklearn MLP*");
        out.printf(Locale.ROOT, "%-34s %10.3f %12.3f %14.3f%n", "5 letter tasks, log loss (mean)",
                shared.letterLogLoss(), independent.letterLogLoss(), sk.letterLogLoss());
        out.printf(Locale.ROOT, "%-34s %9.1f%% %11.1f%% %13.1f%%%n", "letter-O accuracy", 100 * shared.letterOAccuracy(),
                100 * independent.letterOAccuracy(), 100 * sk.letterOAccuracy());
        out.printf(Locale.ROOT, "%-34s %10.3f %12.3f %14.3f%n", "vehicle cross-entropy", shared.vehicleLoss(),
                independent.vehicleLoss(), sk.vehicleLoss());
        out.printf(Locale.ROOT, "%-34s %9.1f%% %11.1f%% %13.1f%%%n", "vehicle accuracy", 100 * shared.vehicleAccuracy(),
                100 * independent.vehicleAccuracy(), 100 * sk.vehicleAccuracy());
        out.printf(Locale.ROOT, "%-34s %10.1f %12.1f %14.1f%n", "quakes MSE", shared.quakesMse(),
                independent.quakesMse(), sk.quakesMse());
        out.printf(Locale.ROOT, "(* the issue's reference figures; src/bench/python/sklearn_per_task.py measures them on any stream)%n");
        out.printf(Locale.ROOT, "shared at least as good as the sklearn reference on every row: %s; better than independent on every row: %s%n%n",
                shared.atLeastAsGoodAs(sk) ? "yes" : "NO", shared.betterThan(independent) ? "yes" : "NO");

        out.printf(Locale.ROOT, "letters stream (seed %d, 26 binary tasks, 10 at first, one new every 2,000; %d events)%n",
                seed, RealDataExperiment.LETTERS_EVENTS);
        out.printf(Locale.ROOT, "%-12s %8s %12s %9s %16s%n", "model", "loss", "second half", "accuracy", "late first-20");
        for (ModelKind kind : new ModelKind[] {ModelKind.SHARED, ModelKind.INDEPENDENT}) {
            PrequentialMetrics m = first.get(kind == ModelKind.SHARED ? 2 : 3);
            out.printf(Locale.ROOT, "%-12s %8.4f %12.4f %8.1f%% %16.4f%n", kind.cliName(), m.meanLoss(), m.secondHalfLoss(),
                    100 * m.accuracy(), m.meanEarlyLoss(TaskMetrics.EARLY_LONG, EvaluationReport.LATE_TASKS_AFTER));
        }
        if (replicas > 0) {
            out.printf(Locale.ROOT, "%nthe shared model on %d replicas (ReplicatedRun, no Kafka) against one learner%n", replicas);
            out.printf(Locale.ROOT, "%-38s %10s %10s %10s %10s %10s%n", "layout", "letters", "letter-O", "vehicle",
                    "quakes", "letters");
            out.printf(Locale.ROOT, "%-38s %10s %10s %10s %10s %10s%n", "", "log loss", "accuracy", "x-entropy", "MSE",
                    "stream");
            LearnerConfig d = LearnerConfig.defaults();
            replicaRow("one learner", shared, first.get(2));
            replicaRow(replicas + " replicas in one instance",
                    Heterogeneous.of(RealDataExperiment.runReplicated(hetero, d, replicas, 1, 32).metrics()),
                    RealDataExperiment.runReplicated(letters, d, replicas, 1, 32).metrics());
            replicaRow(replicas + " replicas in two instances",
                    Heterogeneous.of(RealDataExperiment.runReplicated(hetero, d, replicas, 2, 32).metrics()),
                    RealDataExperiment.runReplicated(letters, d, replicas, 2, 32).metrics());
        }
        if (grid) {
            out.printf(Locale.ROOT, "%nrate grid: the largest task loss of each run (%d events each; NaN or missing = not finite)%n",
                    gridEvents);
            boolean allFinite = true;
            allFinite &= gridRow("heterogeneous", hetero, null);
            allFinite &= gridRow("letters", letters, null);
            for (Generators.Name name : Generators.Name.values()) {
                allFinite &= gridRow(name.cliName(), null, name);
            }
            out.printf(Locale.ROOT, "every loss finite: %s%n", allFinite ? "yes" : "NO");
            return allFinite ? 0 : 1;
        }
        return 0;
    }

    private void replicaRow(String layout, Heterogeneous h, PrequentialMetrics letters) {
        out.printf(Locale.ROOT, "%-38s %10.3f %9.1f%% %10.3f %10.1f %10.4f%n", layout, h.letterLogLoss(),
                100 * h.letterOAccuracy(), h.vehicleLoss(), h.quakesMse(), letters.meanLoss());
    }

    private static PrequentialRun run(byte[] jsonl, ModelKind kind) {
        return RealDataExperiment.run(jsonl, LearnerConfig.defaults().toBuilder().model(kind).build());
    }

    /** One stream's row of the grid: the worst task loss for each head rate, then each trunk rate (runs on every core). */
    private boolean gridRow(String label, byte[] jsonl, Generators.Name synthetic) {
        List<String> names = new ArrayList<>();
        List<java.util.function.Supplier<String>> runs = new ArrayList<>();
        byte[] lines = jsonl == null ? null : RealDataExperiment.firstLines(jsonl, gridEvents);
        for (int g = 0; g < HEAD_RATES.length + 2 * TRUNK_RATES.length; g++) {
            LearnerConfig.Builder b = LearnerConfig.defaults().toBuilder();
            if (g < HEAD_RATES.length) {
                b.headRate(HEAD_RATES[g]);
                names.add("--head-lr " + HEAD_RATES[g]);
            } else {
                // With the meta-learner the trunk's rate is kept within [1e-6, 0.01]; without it, it is what is given.
                int t = (g - HEAD_RATES.length) % TRUNK_RATES.length;
                boolean meta = g < HEAD_RATES.length + TRUNK_RATES.length;
                b.trunkRate(TRUNK_RATES[t]).meta(meta);
                names.add("--lr " + TRUNK_RATES[t] + (meta ? "" : " --meta off"));
            }
            LearnerConfig config = b.build();
            runs.add(() -> {
                PrequentialRun run = lines != null ? RealDataExperiment.run(lines, config)
                        : PrequentialRun.over(Generators.create(synthetic, GeneratorOptions.defaults().withTasks(20)
                                .withSeed(seed)), gridEvents, config);
                List<String> bad = RealDataExperiment.nonFiniteTasks(run.metrics());
                String nonFinite = run.learner().nonFinite();
                double worst = run.metrics().tasks().stream().mapToDouble(TaskMetrics::meanLoss).max().orElse(Double.NaN);
                return bad.isEmpty() && nonFinite == null && Double.isFinite(worst)
                        ? String.format(Locale.ROOT, "%.4g", worst) : null;
            });
        }
        List<String> worst = Runs.all(runs);
        out.printf(Locale.ROOT, "%-14s", label);
        boolean finite = true;
        for (int g = 0; g < names.size(); g++) {
            finite &= worst.get(g) != null;
            out.printf(Locale.ROOT, "%n  %-24s %s", names.get(g), worst.get(g) == null ? "NaN" : worst.get(g));
        }
        out.println();
        return finite;
    }
}
