package io.polyhead.cli;

import io.polyhead.eval.EvaluationReport;
import io.polyhead.eval.HeadRateRobustness;
import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.eval.RealDataExperiment;
import io.polyhead.eval.Runs;
import io.polyhead.eval.TaskMetrics;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code polyhead bench meta}: the meta-learner's figures. */
@Command(name = "meta", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The meta-learner's figures, without Kafka:",
            "  1. robustness: second-half loss on lowrank and sinusoid (20 tasks, --events each) from trunk starting",
            "     rates 1e-4 .. 1, with the meta-learner on and off;",
            "  2. new tasks: 50 tasks, a new one every 1000 events; mean loss over the first 10 events of each task",
            "     after the first 10, meta on vs off, on sinusoid, lowrank, unrelated and two binary streams",
            "     (unrelated binary and lowrank binary: tasks whose labels disagree);",
            "  3. head rates: overall loss by starting --head-lr 0.01 .. 1, meta on vs the same rates fixed (meta off),",
            "     on the letters and heterogeneous real-data streams (see 'bench real') and on lowrank and sinusoid;",
            "  4. the letters with defaults: overall loss and late tasks' first-20 loss for stream seeds 1-3 and model",
            "     seeds 42 (the default), 1, 2, 3, 7, and their mean and worst (one seed's figure moves by about 0.005).",
            "Throughput with and without it: 'polyhead bench core'. Autostep on Sutton's task: 'polyhead bench tracking'.",
            "",
            "Example: ./polyhead bench meta"})
public final class BenchMetaCommand implements Callable<Integer> {
    static final double[] RATES = {1e-4, 1e-3, 1e-2, 1e-1, 1};

    @Option(names = "--events", paramLabel = "N", defaultValue = "50000", description = "Events per run (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the streams (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    TablesOption tables;

    @Option(names = "--skip-head-rates", description = "Leave out the head-rate grid (part 3, the slowest).")
    boolean skipHeadRates;

    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        out.printf(Locale.ROOT, "robustness: second-half loss by starting trunk rate (--lr), %d events, 20 tasks%n", events);
        out.printf(Locale.ROOT, "%-22s", "stream / meta");
        for (double r : RATES) {
            out.printf(Locale.ROOT, " %9s", String.valueOf(r));
        }
        out.printf(Locale.ROOT, " %14s%n", "worst / best");
        for (Generators.Name name : new Generators.Name[] {Generators.Name.LOWRANK, Generators.Name.SINUSOID}) {
            GeneratorOptions options = GeneratorOptions.defaults().withTasks(20).withSeed(seed);
            List<Supplier<Double>> runs = new ArrayList<>();
            for (int meta = 0; meta < 2; meta++) {
                for (double rate : RATES) {
                    LearnerConfig config = LearnerConfig.defaults().toBuilder().meta(meta == 0).trunkRate(rate).build();
                    runs.add(() -> PrequentialRun.over(Generators.create(name, options), events, config).metrics()
                            .secondHalfLoss());
                }
            }
            List<Double> all = Runs.all(runs);
            double bestFixed = Double.POSITIVE_INFINITY;
            double[][] losses = new double[2][RATES.length];
            for (int meta = 0; meta < 2; meta++) {
                for (int i = 0; i < RATES.length; i++) {
                    losses[meta][i] = all.get(meta * RATES.length + i);
                    if (meta == 1) {
                        bestFixed = Math.min(bestFixed, losses[meta][i]);
                    }
                }
            }
            for (int meta = 0; meta < 2; meta++) {
                out.printf(Locale.ROOT, "%-22s", name.cliName() + (meta == 0 ? " on" : " off"));
                double worst = 0;
                for (double l : losses[meta]) {
                    out.printf(Locale.ROOT, " %9.4f", l);
                    worst = Math.max(worst, Double.isNaN(l) ? Double.POSITIVE_INFINITY : l);
                }
                out.printf(Locale.ROOT, " %14.2f%n", worst / bestFixed);
            }
        }
        out.printf(Locale.ROOT, "(worst / best: the worst start's loss over the best fixed rate's, meta off)%n%n");

        out.printf(Locale.ROOT, "new tasks: mean loss over the first 10 events of tasks after the first %d%n",
                EvaluationReport.LATE_TASKS_AFTER);
        out.printf(Locale.ROOT, "%-30s %10s %10s %8s%n", "stream", "meta on", "meta off", "on/off");
        List<NewTaskStream> streams = List.of(
                new NewTaskStream("sinusoid", Generators.Name.SINUSOID, TaskType.REGRESSION, 3),
                new NewTaskStream("lowrank (rank 2)", Generators.Name.LOWRANK, TaskType.REGRESSION, 6),
                new NewTaskStream("unrelated", Generators.Name.UNRELATED, TaskType.REGRESSION, 3),
                new NewTaskStream("unrelated binary", Generators.Name.UNRELATED, TaskType.BINARY, 4),
                new NewTaskStream("lowrank binary (rank 2)", Generators.Name.LOWRANK, TaskType.BINARY, 5));
        List<Supplier<Double>> runs = new ArrayList<>();
        for (NewTaskStream stream : streams) {
            runs.add(newTaskRun(stream, true));
            runs.add(newTaskRun(stream, false));
        }
        List<Double> early = Runs.all(runs);
        for (int k = 0; k < streams.size(); k++) {
            double on = early.get(2 * k);
            double off = early.get(2 * k + 1);
            out.printf(Locale.ROOT, "%-30s %10.4f %10.4f %8.2f%n", streams.get(k).label(), on, off, on / off);
        }
        if (!skipHeadRates) {
            headRates();
        }
        lettersDefaults();
        return 0;
    }

    /** Part 4: the letters stream with default settings over stream seeds 1-3 and {@link BenchCommand#MODEL_SEEDS}. */
    private void lettersDefaults() throws IOException {
        Path data = tables.require();
        out.printf(Locale.ROOT, "%nletters with defaults (60,000 events, 10 letters first, a new one every 2,000): overall loss"
                + " / late tasks' first-20 loss%n");
        out.printf(Locale.ROOT, "%-14s", "stream seed");
        for (long m : BenchCommand.MODEL_SEEDS) {
            out.printf(Locale.ROOT, " %15s", "model " + m);
        }
        out.printf(Locale.ROOT, "%n");
        double sumLoss = 0, sumLate = 0, worstLoss = 0, worstLate = 0;
        int runs = 0;
        List<Supplier<PrequentialMetrics>> letterRuns = new ArrayList<>();
        for (int streamSeed = 1; streamSeed <= 3; streamSeed++) {
            byte[] letters = RealDataExperiment.jsonl(RealDataExperiment.letters(data, streamSeed),
                    RealDataExperiment.LETTERS_EVENTS);
            for (long m : BenchCommand.MODEL_SEEDS) {
                letterRuns.add(() -> RealDataExperiment.run(letters, LearnerConfig.defaults().toBuilder().seed(m).build())
                        .metrics());
            }
        }
        java.util.Iterator<PrequentialMetrics> results = Runs.all(letterRuns).iterator();
        for (int streamSeed = 1; streamSeed <= 3; streamSeed++) {
            out.printf(Locale.ROOT, "%-14d", streamSeed);
            for (int k = 0; k < BenchCommand.MODEL_SEEDS.length; k++) {
                PrequentialMetrics metrics = results.next();
                double loss = metrics.meanLoss();
                double late = metrics.meanEarlyLoss(TaskMetrics.EARLY_LONG, EvaluationReport.LATE_TASKS_AFTER);
                out.printf(Locale.ROOT, " %7.4f / %5.3f", loss, late);
                sumLoss += loss;
                sumLate += late;
                worstLoss = Math.max(worstLoss, loss);
                worstLate = Math.max(worstLate, late);
                runs++;
            }
            out.printf(Locale.ROOT, "%n");
        }
        out.printf(Locale.ROOT, "mean of %d: %.4f / %.3f; worst %.4f / %.3f (the issue's bounds: 0.22 / 0.60)%n", runs,
                sumLoss / runs, sumLate / runs, worstLoss, worstLate);
    }

    private void headRates() throws IOException {
        Path data = tables.require();
        out.printf(Locale.ROOT, "%nhead rates: overall loss by starting --head-lr, meta on; the same rates fixed, meta off%n");
        out.printf(Locale.ROOT, "%-22s", "stream / meta");
        for (double r : HeadRateRobustness.STARTS) {
            out.printf(Locale.ROOT, " %8s", String.valueOf(r));
        }
        out.printf(Locale.ROOT, " %14s%n", "worst / best");
        byte[] letters = RealDataExperiment.jsonl(RealDataExperiment.letters(data, 1), RealDataExperiment.LETTERS_EVENTS);
        byte[] hetero = RealDataExperiment.jsonl(RealDataExperiment.heterogeneous(data, 1),
                RealDataExperiment.HETEROGENEOUS_EVENTS);
        GeneratorOptions options = GeneratorOptions.defaults().withTasks(20).withSeed(seed);
        for (HeadRateRobustness.Row row : new HeadRateRobustness.Row[] {
            HeadRateRobustness.measure("letters", c -> RealDataExperiment.run(letters, c)),
            HeadRateRobustness.measure("heterogeneous", c -> RealDataExperiment.run(hetero, c)),
            HeadRateRobustness.measure("lowrank", c -> PrequentialRun.over(
                    Generators.create(Generators.Name.LOWRANK, options), events, c)),
            HeadRateRobustness.measure("sinusoid", c -> PrequentialRun.over(
                    Generators.create(Generators.Name.SINUSOID, options), events, c))}) {
            for (int meta = 0; meta < 2; meta++) {
                out.printf(Locale.ROOT, "%-22s", row.stream() + (meta == 0 ? " on" : " off"));
                for (double l : meta == 0 ? row.on() : row.off()) {
                    out.printf(Locale.ROOT, " %8.4f", l);
                }
                out.printf(Locale.ROOT, meta == 0 ? " %14.3f%n" : "%n", row.worstOverBestFixed());
            }
        }
        out.printf(Locale.ROOT, "(worst / best: the worst start with the meta-learner over the best fixed rate)%n");
    }

    /** One run of part 2: the late tasks' mean first-10 loss on a stream of new tasks, the meta-learner on or off. */
    private record NewTaskStream(String label, Generators.Name name, TaskType kind, long seed) {
    }

    private Supplier<Double> newTaskRun(NewTaskStream stream, boolean meta) {
        GeneratorOptions base = GeneratorOptions.defaults().withTasks(50).withNewTaskEvery(1000, 5).withSeed(stream.seed());
        GeneratorOptions typed = stream.name() != Generators.Name.SINUSOID ? base.withKind(stream.kind()) : base;
        GeneratorOptions options = stream.name() == Generators.Name.LOWRANK ? typed.withRank(2) : typed;
        LearnerConfig config = LearnerConfig.defaults().toBuilder().meta(meta).build();
        return () -> PrequentialRun.over(Generators.create(stream.name(), options), events, config).metrics()
                .meanEarlyLoss(TaskMetrics.EARLY_SHORT, EvaluationReport.LATE_TASKS_AFTER);
    }
}
