package io.polyhead.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --data}: the folder of the real tables the real-data benchmarks read. */
public final class TablesOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:POLYHEAD_HOME:-.}/src/test/resources/data",
            description = "Folder with the tables (default: the project's src/test/resources/data).")
    Path data;

    /** The folder, or a usage error naming it when the tables are not there. */
    Path require() {
        if (!Files.isRegularFile(data.resolve("letter-recognition.csv"))) {
            throw new ParameterException(mixee.commandLine(), "--data: no letter-recognition.csv in " + data
                    + " (the tables are in src/test/resources/data of the project)");
        }
        return data;
    }
}
