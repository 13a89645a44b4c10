package io.polyhead.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --events} and {@code -o}: how many events a generator writes, and where (JSONL). */
public final class EventsOutput {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--events", paramLabel = "N", defaultValue = "10000", description = "Events to write (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    /** Writes one line per event. */
    interface Lines {
        void write(OutputStream out, long events) throws IOException;
    }

    /** A usage error unless {@code --events} is 0 or more. */
    void check() {
        if (events < 0) {
            throw new ParameterException(mixee.commandLine(), "--events must be 0 or more. Got: " + events);
        }
    }

    /** Writes the events to the file, or to standard output without {@code -o}. */
    void write(Lines lines) throws IOException {
        check();
        OutputStream sink = output == null ? System.out : Files.newOutputStream(output);
        try (OutputStream out = new BufferedOutputStream(sink, 1 << 16)) {
            lines.write(out, events);
        }
    }
}
