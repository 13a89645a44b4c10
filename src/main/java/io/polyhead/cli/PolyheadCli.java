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

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of any error, mistakes in the command line included.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        routeLogs(args);
        System.exit(commandLine().execute(args));
    }

    /**
     * {@code run}, {@code demo} and {@code bench e2e} write the log lines of Kafka's clients, of the embedded broker and of
     * Polyhead's own classes to a file ({@code --log-file}, default {@value StreamLayerOptions#LOG_FILE}; {@code -}
     * for the terminal), so that the terminal shows what the command prints for its user, with Kafka's
     * loggers at {@code --log-level}. Set here, before any logger exists; an explicit
     * {@code -Dorg.slf4j.simpleLogger.logFile} wins.
     */
    static void routeLogs(String[] args) {
        int command = 0;
        while (command < args.length && args[command].startsWith("-")) {
            command++; // options before the command, such as --verbose
        }
        String name = command < args.length ? args[command] : "";
        // bench e2e runs a broker and clients as run does, but has no --log-file or --log-level of its own.
        boolean e2e = name.equals("bench") && command + 1 < args.length && args[command + 1].equals("e2e");
        if (!(e2e || name.equals("run") || name.equals("demo"))) {
            return;
        }
        String level = e2e ? null : optionValue(args, command, "--log-level", null);
        if (level != null && java.util.Arrays.stream(StreamLayerOptions.LogLevel.values())
                .anyMatch(l -> l.name().equalsIgnoreCase(level))) {
            // A bad level is left to picocli, which names it; these loggers are Kafka's (see simplelogger.properties).
            for (String logger : new String[] {"org.apache.kafka", "kafka", "state.change.logger"}) {
                System.setProperty("org.slf4j.simpleLogger.log." + logger, level.toLowerCase(java.util.Locale.ROOT));
            }
        }
        String file = e2e ? StreamLayerOptions.LOG_FILE : optionValue(args, command, "--log-file", StreamLayerOptions.LOG_FILE);
        if (System.getProperty(LOG_FILE_PROPERTY) != null || file.equals("-")) {
            return;
        }
        try {
            java.nio.file.Path parent = java.nio.file.Path.of(file).toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            System.setProperty(LOG_FILE_PROPERTY, file);
        } catch (java.io.IOException | RuntimeException e) {
            // The log lines stay on the terminal; the command itself reports nothing wrong with that.
        }
    }

    /** slf4j-simple's setting for where log lines go. */
    private static final String LOG_FILE_PROPERTY = "org.slf4j.simpleLogger.logFile";

    /** Says on {@code out} which file the log lines go to, if they go to one (not the terminal), and {@code hint}. */
    static void announceLogFile(java.io.PrintStream out, String hint) {
        String file = System.getProperty(LOG_FILE_PROPERTY);
        if (file != null && !file.equals("System.err") && !file.equals("System.out")) {
            out.println("log lines: " + file + (hint == null ? "" : " (" + hint + ")"));
        }
    }

    /** The last value of option {@code name} after the command at {@code command} ({@code --x V} or {@code --x=V}). */
    private static String optionValue(String[] args, int command, String name, String otherwise) {
        String value = otherwise;
        for (int i = command + 1; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith(name + "=")) {
                value = args[i].substring(name.length() + 1);
            }
        }
        return value;
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PolyheadCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // A mistake is one line naming the option or file and the bad value, exit 2; stack traces are for bugs.
        cl.setParameterExceptionHandler(UserErrors::parameterError);
        cl.setExecutionExceptionHandler(UserErrors::executionError);
        reflow(cl);
        return cl;
    }

    /**
     * Lets picocli wrap the help texts: the descriptions are written as lines of source, so consecutive lines
     * join into paragraphs (a blank line, an indented line such as an example, or a bullet starts a new one),
     * and each command's summary in the command list is its first sentence, not its first source line.
     */
    static void reflow(CommandLine cl) {
        CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        java.util.List<String> paragraphs = new java.util.ArrayList<>();
        StringBuilder current = null;
        for (String line : usage.description()) {
            boolean own = line.isBlank() || line.startsWith("  ") || line.startsWith("- ");
            if (current != null && !own) {
                current.append(' ').append(line.strip());
                continue;
            }
            if (current != null) {
                paragraphs.add(current.toString());
                current = null;
            }
            if (line.isBlank() || line.startsWith("  ")) {
                paragraphs.add(line);
            } else {
                current = new StringBuilder(line.strip());
            }
        }
        if (current != null) {
            paragraphs.add(current.toString());
        }
        usage.description(paragraphs.toArray(String[]::new));
        if (usage.header().length == 0 && !paragraphs.isEmpty() && !(cl.getCommand() instanceof PolyheadCli)) {
            usage.header(firstSentence(paragraphs.get(0)));
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            reflow(sub);
        }
    }

    /** Up to the first ": " or ". ", as one sentence. */
    static String firstSentence(String paragraph) {
        int colon = paragraph.indexOf(": ");
        int stop = paragraph.indexOf(". ");
        int end = colon < 0 ? stop : stop < 0 ? colon : Math.min(colon, stop);
        String s = end < 0 ? paragraph : paragraph.substring(0, end);
        return s.endsWith(".") ? s : s + ".";
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
