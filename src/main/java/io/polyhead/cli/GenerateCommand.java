package io.polyhead.cli;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.EventJson;
import io.polyhead.event.TaskType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code polyhead generate}: synthetic multi-task streams as contract JSONL. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes a synthetic multi-task stream as JSONL events of the contract, reproducibly (same seed, same bytes).",
            "",
            "  sinusoid    MAML's family: y = A sin(x + phi), A ~ U[0.1, 5], phi ~ U[0, pi], x ~ U[-5, 5]; input dim 1",
            "  lowrank     related tasks: y = 2 c_t . tanh(U'x) / sqrt(r) + noise, one shared rank-r U; --kind binary too",
            "  hyperplane  MOA rotating hyperplanes, one per task, drifting; binary; --dim 10 by default",
            "  unrelated   independent random linear tasks (sharing has nothing to offer); --kind binary too",
            "",
            "Examples:",
            "  polyhead generate lowrank --events 50000 --tasks 20 > s.jsonl",
            "  polyhead generate sinusoid --events 50000 --tasks 60 --new-task-every 800 --output sin.jsonl"})
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", completionCandidates = NameCandidates.class,
            description = "Generator: ${COMPLETION-CANDIDATES}.")
    String name;

    @Option(names = "--events", paramLabel = "N", defaultValue = "10000", description = "Events to write (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--tasks", paramLabel = "T", defaultValue = "20", description = "Tasks in all (default ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--new-task-every", paramLabel = "N", defaultValue = "0",
            description = "0 (default): all tasks from the start. N: start with --initial-tasks and add one every N events.")
    int newTaskEvery;

    @Option(names = "--initial-tasks", paramLabel = "K", defaultValue = "1",
            description = "Tasks active at the start when tasks appear over time (default ${DEFAULT-VALUE}).")
    int initialTasks;

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

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Generators.Name which = parseName();
        if (events < 0) {
            throw new ParameterException(spec.commandLine(), "--events must be 0 or more. Got: " + events);
        }
        reject(rank != null && which != Generators.Name.LOWRANK, "--rank applies to lowrank only");
        reject(kind != null && which != Generators.Name.LOWRANK && which != Generators.Name.UNRELATED,
                "--kind applies to lowrank and unrelated only");
        reject(drift != null && which != Generators.Name.HYPERPLANE, "--drift applies to hyperplane only");
        reject(dim != null && which == Generators.Name.SINUSOID && dim != 1, "sinusoid has input dimension 1");
        GeneratorOptions defaults = GeneratorOptions.defaults();
        GeneratorOptions options;
        try {
            options = new GeneratorOptions(tasks, seed, newTaskEvery, initialTasks, dim == null ? 0 : dim,
                    rank == null ? defaults.rank() : rank, kind == null ? TaskType.REGRESSION : kind,
                    noise == null ? -1 : noise, drift == null ? defaults.drift() : drift);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        StreamGenerator generator;
        try {
            generator = Generators.create(which, options);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        OutputStream sink = output == null ? System.out : Files.newOutputStream(output);
        try (OutputStream out = new BufferedOutputStream(sink, 1 << 16)) {
            for (long i = 0; i < events; i++) {
                EventJson.write(generator.next(), out);
                out.write('\n');
            }
        }
        if (output != null) {
            System.err.println("wrote " + events + " " + which.cliName() + " events to " + output);
        }
        return 0;
    }

    private Generators.Name parseName() {
        for (Generators.Name n : Generators.Name.values()) {
            if (n.cliName().equals(name)) {
                return n;
            }
        }
        throw new ParameterException(spec.commandLine(),
                "unknown generator \"" + name + "\"; one of sinusoid, lowrank, hyperplane, unrelated");
    }

    private void reject(boolean bad, String message) {
        if (bad) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** Names offered in help and completion. */
    static final class NameCandidates implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Generators.Name.values()).map(Generators.Name::cliName).iterator();
        }
    }
}
