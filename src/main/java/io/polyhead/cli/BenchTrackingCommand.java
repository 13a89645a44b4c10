package io.polyhead.cli;

import io.polyhead.eval.TrackingExperiment;
import io.polyhead.eval.gen.SuttonTrackingStream;
import io.polyhead.optim.AutostepRate;
import io.polyhead.optim.FixedRate;
import io.polyhead.optim.HeadRate;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyhead bench tracking}: Sutton's (1992) tracking task, Autostep against fixed-rate LMS. */
@Command(name = "tracking", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Sutton's (1992) tracking task: 20 N(0,1) inputs, target the sum of the first five with signs +-1,",
            "one sign flipped after every 20 examples. One linear learner without bias, stepped by the LMS error.",
            "Prints the mean squared error over the last 10,000 examples (20k-30k by default) for Autostep",
            "(Mahmood et al. 2012; mu 0.02, tau 1e4, the bound on the step, not the rates) and for each fixed rate of the grid.",
            "",
            "Example: ./polyhead bench tracking --seed 1"})
final class BenchTrackingCommand implements Callable<Integer> {
    static final double[] GRID = {0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1};

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the stream (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "30000",
            description = "Examples per run (default ${DEFAULT-VALUE}); the error is over the last min(N, 10000).")
    int examples;

    @Option(names = "--autostep-rate", paramLabel = "A", defaultValue = "0.01",
            description = "Autostep's initial step size (default ${DEFAULT-VALUE}).")
    double autostepRate;

    @Option(names = "--noise", paramLabel = "SD", defaultValue = "0",
            description = "Standard deviation of noise added to the target; the paper has none (default ${DEFAULT-VALUE}).")
    double noise;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        if (examples < 1) {
            throw new IllegalArgumentException("--examples must be at least 1. Got: " + examples);
        }
        int measured = Math.min(examples, TrackingExperiment.MEASURED);
        out.printf(Locale.ROOT, "Sutton (1992) tracking task, seed %d, noise sd %s: MSE over examples %d-%d%n", seed,
                noise, examples - measured, examples);
        out.printf(Locale.ROOT, "%-32s %8s%n", "rule", "MSE");
        print(String.format(Locale.ROOT, "autostep (initial %s)", autostepRate), new AutostepRate(autostepRate), measured);
        double best = Double.POSITIVE_INFINITY;
        double bestRate = Double.NaN;
        for (double rate : GRID) {
            double mse = print(String.format(Locale.ROOT, "lms %s", rate), new FixedRate(rate), measured);
            if (mse < best) {
                best = mse;
                bestRate = rate;
            }
        }
        out.printf(Locale.ROOT, "best fixed rate: %s, MSE %.4f%n", bestRate, best);
        return 0;
    }

    private double print(String name, HeadRate rate, int measured) {
        double mse = TrackingExperiment.run(rate, new SuttonTrackingStream(seed, noise), examples, measured);
        // LMS at 0.1 is past the stability limit of 20 unit-variance inputs; its error overflows the column.
        out.printf(Locale.ROOT, "%-32s %8s%n", name, mse < 1e6 ? String.format(Locale.ROOT, "%.4f", mse) : "diverged");
        return mse;
    }
}
