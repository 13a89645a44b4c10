package io.polyhead.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code polyhead} in a JVM of its own, with this JVM's class path, its output in a log file: an instance
 * of {@code polyhead run} that a benchmark or a test can start, stop with SIGTERM as a user would, or kill
 * like a crash.
 */
public final class InstanceProcess implements AutoCloseable {
    private static final Pattern TASKS = Pattern.compile("; tasks \\[([^\\]]*)\\]");
    private static final Pattern VERSION = Pattern.compile("model version (\\d+) \\((\\d+) replicas, largest drift ([0-9.]+)\\)");
    private final Process process;
    private final Path log;

    private InstanceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code polyhead ARGS...} with its output (stdout and stderr) in {@code log}. */
    public static InstanceProcess start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dorg.slf4j.simpleLogger.logFile=System.err")); // its log lines in its output, with the rest
        // More logging for an investigation: -Dpolyhead.child.jvm="-Dorg.slf4j.simpleLogger.log.X=debug ..."
        for (String option : System.getProperty("polyhead.child.jvm", "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.polyhead.cli.PolyheadCli"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return new InstanceProcess(pb.start(), log);
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** The last status line {@code run} printed ({@code predictions ...}), or null before the first. */
    public String lastStatus() throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        String last = null;
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("predictions ")) {
                last = line;
            }
        }
        return last;
    }

    /** The stream tasks the last status line says this instance owns (empty before the first). */
    public List<String> tasks() throws IOException {
        String s = lastStatus();
        Matcher m = s == null ? null : TASKS.matcher(s);
        if (m == null || !m.find() || m.group(1).isBlank()) {
            return List.of();
        }
        List<String> tasks = new ArrayList<>();
        for (String t : m.group(1).split(",")) {
            tasks.add(t.trim());
        }
        return tasks;
    }

    /** The model version of the last status line, or -1. */
    public long modelVersion() throws IOException {
        Matcher m = versionMatch();
        return m == null ? -1 : Long.parseLong(m.group(1));
    }

    /** The largest replica drift of the last status line, or NaN. */
    public double drift() throws IOException {
        Matcher m = versionMatch();
        return m == null ? Double.NaN : Double.parseDouble(m.group(3));
    }

    private Matcher versionMatch() throws IOException {
        String s = lastStatus();
        Matcher m = s == null ? null : VERSION.matcher(s);
        return m != null && m.find() ? m : null;
    }

    /** Stops it as Ctrl-C or SIGTERM would and waits; returns its exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** Kills it like a crash (SIGKILL) and waits. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
