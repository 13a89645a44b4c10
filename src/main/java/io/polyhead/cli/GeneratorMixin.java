package io.polyhead.cli;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.TaskType;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of a synthetic stream ({@code --tasks}, {@code --seed}, {@code --new-task-every}, ...),
 * shared by {@code generate} and {@code produce} so both accept the same set and build the same
 * {@link GeneratorOptions} from it. Errors name the option and the bad value.
 */
public final class GeneratorMixin {

    /** The command this mixin is part of, so errors print that command's usage. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--tasks", paramLabel = "T", defaultValue = "20", description = "Tasks in all (default ${DEFAULT-VALUE}).")
    int tasks;

    @Mixin
    ScheduleOptions schedule;


    @Option(names = "--dim", paramLabel = "D", description = "Input dimension (lowrank, unrelated: 64; hyperplane: 10).")
    Integer dim;

    @Option(names = "--rank", paramLabel = "R", description = "lowrank: rank of the shared subspace (default 4).")
    Integer rank;

    @Option(names = "--kind", paramLabel = "KIND", description = "lowrank, unrelated: regression (default) or binary.")
    TaskType kind;

    @Option(names = "--noise", paramLabel = "X",
            description = "Label noise: standard deviation for regression (default 0.1), flip probability for hyperplane (default 0.05).")
    Double noise;

    @Option(names = "--drift", paramLabel = "X", description = "hyperplane: weight drift per event of a task (default 0.001).")
    Double drift;

    /**
     * The generator of that name, or null when {@code name} is not one.
     */
    static Generators.Name parseName(String name) {
        for (Generators.Name n : Generators.Name.values()) {
            if (n.cliName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    /** The generator options, checked against the generator that will use them. */
    public GeneratorOptions options(Generators.Name which) {
        reject(rank != null && which != Generators.Name.LOWRANK, "--rank applies to lowrank only. Got: --rank " + rank
                + " with " + which.cliName());
        reject(kind != null && which != Generators.Name.LOWRANK && which != Generators.Name.UNRELATED,
                "--kind applies to lowrank and unrelated only. Got: --kind " + kind + " with " + which.cliName());
        reject(drift != null && which != Generators.Name.HYPERPLANE,
                "--drift applies to hyperplane only. Got: --drift " + drift + " with " + which.cliName());
        reject(dim != null && which == Generators.Name.SINUSOID && dim != 1,
                "sinusoid has input dimension 1. Got: --dim " + dim);
        GeneratorOptions defaults = GeneratorOptions.defaults();
        try {
            return new GeneratorOptions(tasks, schedule.seed, schedule.newTaskEvery, schedule.initialTasks, dim == null ? 0 : dim,
                    rank == null ? defaults.rank() : rank, kind == null ? TaskType.REGRESSION : kind,
                    noise == null ? -1 : noise, drift == null ? defaults.drift() : drift);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** A new generator of that name with these options. */
    public StreamGenerator create(Generators.Name which) {
        GeneratorOptions options = options(which);
        try {
            return Generators.create(which, options);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /**
     * The first of these options given on the command line, or null when none was: a command whose
     * input is not a generator rejects them rather than ignoring them silently.
     */
    String firstGiven() {
        var parsed = mixee.commandLine().getParseResult();
        if (parsed == null) {
            return null;
        }
        for (OptionSpec o : mixee.mixins().values().stream()
                .filter(m -> m.userObject() == this).findFirst().orElseThrow().options()) {
            if (parsed.hasMatchedOption(o)) {
                return o.longestName();
            }
        }
        return null;
    }

    private void reject(boolean bad, String message) {
        if (bad) {
            throw new ParameterException(mixee.commandLine(), message);
        }
    }

    /** Generator names offered in help and completion. */
    static final class NameCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Generators.Name.values()).map(Generators.Name::cliName).iterator();
        }
    }
}
