package io.polyhead.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * How the command line reports a user's mistake: one line on standard error naming the option or file
 * and the bad value, exit code 2. A stack trace is printed only for what is not a mistake (a bug), or
 * for anything with {@code --verbose}.
 */
final class UserErrors {
    /** Exit code of a mistake in the command line or its files, as picocli uses for bad options. */
    static final int USAGE = 2;

    private UserErrors() {
    }

    /** A mistake found while the command runs (a setting the learner refuses, say), named for the user. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }
    }

    /** Picocli's parameter errors, on one line (with picocli's suggestions for a misspelt option). */
    static int parameterError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        boolean syntax = ex instanceof CommandLine.MissingParameterException
                || ex instanceof CommandLine.UnmatchedArgumentException;
        err.println(prefix(cl) + ex.getMessage()
                + (syntax ? " (" + prefix(cl).replace(": ", "") + " --help shows the options)" : ""));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.flush();
        return USAGE;
    }

    /** Errors thrown while a command runs: a mistake is one line, anything else a stack trace. */
    static int executionError(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String mistake = mistake(ex);
        boolean verbose = parsed != null && parsed.originalArgs().contains("--verbose");
        if (mistake != null && !verbose) {
            err.println(prefix(cl) + mistake);
            err.flush();
            return USAGE;
        }
        ex.printStackTrace(err);
        err.flush();
        return mistake != null ? USAGE : 1;
    }

    /**
     * The user's mistake behind {@code t}, in words, or null when it is not one. Only {@code t} and its direct
     * cause are looked at (a wrapper such as {@code UncheckedIOException}): a missing file deep inside, in a
     * state store say, is not the user's.
     */
    static String mistake(Throwable t) {
        for (Throwable c = t; c != null && (c == t || c == t.getCause()); c = c.getCause()) {
            if (c instanceof UserError || c instanceof ParameterException) {
                return c.getMessage();
            }
            if (c instanceof NoSuchFileException f) {
                return "no such file: " + f.getFile();
            }
            if (c instanceof AccessDeniedException f) {
                return "permission denied: " + f.getFile();
            }
        }
        return null;
    }

    /**
     * A file the command reads: it must exist and be a readable regular file ({@code -} for standard input
     * passes when {@code dashForStdin}).
     *
     * @param what the option or parameter label that named it, for the message
     */
    static Path readableFile(CommandSpec spec, String what, String file, boolean dashForStdin) {
        if (dashForStdin && file.equals("-")) {
            return null;
        }
        Path p = Path.of(file);
        if (!Files.exists(p)) {
            throw new ParameterException(spec.commandLine(), what + " " + file + ": no such file");
        }
        if (Files.isDirectory(p)) {
            throw new ParameterException(spec.commandLine(), what + " " + file + ": is a directory, not a file");
        }
        if (!Files.isReadable(p)) {
            throw new ParameterException(spec.commandLine(), what + " " + file + ": cannot be read (permission denied)");
        }
        return p;
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": ";
    }
}
