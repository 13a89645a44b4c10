package io.polyhead.cli;

import io.polyhead.eval.gen.CsvTable;
import io.polyhead.eval.gen.TableStream;
import io.polyhead.event.TaskType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code polyhead generate table}: a multi-task stream from labelled CSV tables, as contract JSONL.
 * Each table is a group of its own on the command line, {@code FILE --label-column C [--as ...]
 * [--classes ...] [--task ...] [--drop ...]}; the options of the stream come anywhere.
 */
@Command(name = "table", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes a multi-task stream of labelled CSV tables (real data) as JSONL events.",
            "Same tables, options and seed: same bytes. Give each table as FILE followed by",
            "its own options; several tables mix into one stream, their tasks listed table",
            "by table, and each event's task is drawn among the tasks active at that point.",
            "",
            "  --as binary      one task PREFIX-VALUE per value of the label column, 'is it",
            "                   VALUE?', balanced: each event is a row of VALUE (label 1) or,",
            "                   as often, a row of another value (label 0)",
            "  --as multiclass  one task PREFIX, label = the value's index among the sorted",
            "                   values (the mapping is printed on stderr)",
            "  --as regression  one task PREFIX, label = the column's value as it is",
            "",
            "Features are the other columns (numbers), written {\"column\": value}: evaluate",
            "with --input-dim. Each task walks its rows in a random order, shuffled again",
            "after each pass, so a row comes back only once all have been used.",
            "",
            "Examples (the files are in src/test/resources/data/):",
            "  polyhead generate table letter-recognition.csv --label-column lettr \\",
            "      --as binary --task letter --initial-tasks 10 --new-task-every 2000 \\",
            "      --events 60000 --seed 1 -o letters.jsonl",
            "  polyhead generate table \\",
            "      letter-recognition.csv --label-column lettr --as binary \\",
            "          --classes A,E,I,O,U --task letter \\",
            "      vehicle-silhouettes.csv --label-column Class --as multiclass \\",
            "          --task vehicle \\",
            "      fiji-quakes.csv --label-column stations --as regression --task quakes \\",
            "      --events 30000 --seed 1 -o hetero.jsonl",
            "  polyhead evaluate hetero.jsonl --input-dim 64",
            ""})
public final class GenerateTableCommand implements Callable<Integer> {

    /** One table and the tasks it makes: a repeating group of the command line. */
    static final class TableArgs {
        @Parameters(index = "0", paramLabel = "FILE", description = "A CSV table with a header row.")
        Path file;

        @Option(names = "--label-column", required = true, paramLabel = "COLUMN",
                description = "The column the tasks predict; every other column is a feature.")
        String labelColumn;

        @Option(names = "--as", paramLabel = "KIND",
                description = "binary, multiclass or regression (default: regression if the label column is all"
                        + " numbers, else binary).")
        TaskType as;

        @Option(names = "--classes", paramLabel = "V", split = ",",
                description = "binary: the values that get a task, in this order (default: all, sorted); comma separated.")
        List<String> classes;

        @Option(names = "--task", paramLabel = "PREFIX",
                description = "The task id, or binary tasks' prefix (default: the file name without extension).")
        String task;

        @Option(names = "--drop", paramLabel = "COL", split = ",",
                description = "Columns left out of the features; comma separated.")
        List<String> drop;
    }

    /** How the features are written. */
    enum Features {
        /** {@code {"column": value, ...}}, hashed by the reader. */
        named,
        /** Arrays in column order; every table needs as many feature columns. */
        dense
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1..*", heading = "Each table: FILE and its options%n")
    List<TableArgs> tables = new ArrayList<>();

    @Option(names = "--features", paramLabel = "named|dense", defaultValue = "named",
            description = "named (default): {\"column\": value} objects; dense: arrays in column order, when every"
                    + " table has as many feature columns.")
    Features features;

    @Mixin
    EventsOutput output;

    @Mixin
    ScheduleOptions schedule;

    @Override
    public Integer call() throws IOException {
        rejectParentOptions();
        output.check();
        TableStream stream = build();
        if (features == Features.dense) {
            try {
                stream.requireSameWidth();
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        for (String line : stream.describe()) {
            err.println(line);
        }
        err.flush();
        output.write((out, events) -> stream.write(out, events, features == Features.named));
        if (output.output != null) {
            err.println("wrote " + output.events + " events of " + stream.taskIds().size() + " tasks to " + output.output);
            err.flush();
        }
        return 0;
    }

    /** The stream of the command line's tables; user mistakes are usage errors naming the value. */
    TableStream build() {
        List<TableStream.Table> specs = new ArrayList<>();
        Map<Path, CsvTable> read = new HashMap<>();
        for (TableArgs t : tables) {
            CsvTable csv = read.get(t.file);
            if (csv == null) {
                csv = read(t.file);
                read.put(t.file, csv);
            }
            specs.add(new TableStream.Table(csv, t.labelColumn, t.as, t.classes, t.task, t.drop));
        }
        try {
            return new TableStream(specs, schedule.seed, schedule.newTaskEvery, schedule.initialTasks);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CsvTable read(Path file) {
        if (!Files.exists(file)) {
            throw usage("no such file: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw usage("not a file: " + file);
        }
        try {
            return CsvTable.read(file);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        } catch (IOException e) {
            throw usage("cannot read " + file + ": " + e);
        }
    }

    /** {@code generate --seed 1 table ...} would ignore the parent's option: say so instead. */
    private void rejectParentOptions() {
        CommandLine parent = spec.commandLine().getParent();
        if (parent == null || parent.getParseResult() == null) {
            return;
        }
        var parsed = parent.getParseResult();
        if (!parsed.matchedOptions().isEmpty() || !parsed.matchedPositionals().isEmpty()) {
            String first = !parsed.matchedOptions().isEmpty() ? parsed.matchedOptions().get(0).longestName()
                    : String.valueOf(parsed.matchedPositionals().get(0).getValue());
            throw usage("'generate table' takes its own options after 'table'; " + first + " came before it");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
