package io.polyhead.cli;

import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.EventJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code polyhead generate}: synthetic multi-task streams as contract JSONL. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = GenerateTableCommand.class,
        description = {
            "Writes a synthetic multi-task stream as JSONL events of the contract, reproducibly (same seed, same bytes).",
            "",
            "  sinusoid    MAML's family: y = A sin(x + phi), A ~ U[0.1, 5], phi ~ U[0, pi], x ~ U[-5, 5]; input dim 1",
            "  lowrank     related tasks: y = 2 c_t . tanh(U'x) / sqrt(r) + noise, one shared rank-r U; --kind binary too",
            "  hyperplane  MOA rotating hyperplanes, one per task, drifting; binary; --dim 10 by default",
            "  unrelated   independent random linear tasks (sharing has nothing to offer); --kind binary too",
            "",
            "Streams of real data from labelled CSV tables: 'polyhead generate table --help'.",
            "",
            "Examples:",
            "  polyhead generate lowrank --events 50000 --tasks 20 > s.jsonl",
            "  polyhead generate sinusoid --events 50000 --tasks 60 --new-task-every 800 --output sin.jsonl"})
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
            completionCandidates = GeneratorMixin.NameCandidates.class,
            description = "Generator: ${COMPLETION-CANDIDATES}; or the command table.")
    String name;

    @Option(names = "--events", paramLabel = "N", defaultValue = "10000", description = "Events to write (default ${DEFAULT-VALUE}).")
    long events;

    @Mixin
    GeneratorMixin generator;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (name == null) {
            // optional for picocli only so that 'generate table' needs no NAME
            throw new ParameterException(spec.commandLine(),
                    "Missing required parameter: 'NAME' (sinusoid, lowrank, hyperplane, unrelated, or 'table FILE ...')");
        }
        Generators.Name which = GeneratorMixin.parseName(name);
        if (which == null) {
            throw new ParameterException(spec.commandLine(),
                    "unknown generator \"" + name + "\"; one of sinusoid, lowrank, hyperplane, unrelated");
        }
        if (events < 0) {
            throw new ParameterException(spec.commandLine(), "--events must be 0 or more. Got: " + events);
        }
        StreamGenerator generator = this.generator.create(which);
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
}
