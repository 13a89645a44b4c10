package io.polyhead.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code polyhead} command line. Each subcommand is a class of its own in this package; this
 * class only lists them.
 */
@Command(name = "polyhead",
        mixinStandardHelpOptions = true,
        versionProvider = PolyheadCli.Version.class,
        description = {
            "Streaming online multi-task learner: one shared trunk, one small head per task.",
            "",
            "Start with 'polyhead generate lowrank --events 50000 --tasks 20 > s.jsonl'",
            "and 'polyhead evaluate s.jsonl'. Every command has --help."},
        subcommands = {
            CommandLine.HelpCommand.class,
            GenerateCommand.class,
            BenchCommand.class,
            EvaluateCommand.class,
            BrokerCommand.class,
            TopicsCommand.class,
            RunCommand.class,
            ProduceCommand.class,
            TailCommand.class,
            DemoCommand.class,
        })
public final class PolyheadCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PolyheadCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.IParameterExceptionHandler standard = cl.getParameterExceptionHandler();
        // generate table's usage, with its examples, is long: its errors are one line
        cl.setParameterExceptionHandler((ex, args) -> ex.getCommandLine().getCommand() instanceof GenerateTableCommand
                ? GenerateTableCommand.shortError(ex) : standard.handleParseException(ex, args));
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Reports the version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PolyheadCli.class.getPackage().getImplementationVersion();
            return new String[] {"polyhead " + (v == null ? "dev" : v)};
        }
    }
}
