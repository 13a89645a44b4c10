package io.polyhead.cli;

import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.EventJson;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    EventsOutput output;

    @Mixin
    GeneratorMixin generator;

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
        output.check();
        StreamGenerator generator = this.generator.create(which);
        output.write((out, events) -> {
            for (long i = 0; i < events; i++) {
                EventJson.write(generator.next(), out);
                out.write('\n');
            }
        });
        if (output.output != null) {
            System.err.println("wrote " + output.events + " " + which.cliName() + " events to " + output.output);
        }
        return 0;
    }
}
