package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.polyhead.broker.EmbeddedKafkaBroker;

/**
 * Runs every {@code ./polyhead} command of the README's bash blocks, in order, through the real
 * launcher in a scratch directory, and expects each to succeed. Commands addressed to
 * {@code 127.0.0.1:9092} go to an embedded broker of this test instead. Lines that say "not run by
 * the tests" (servers that run until Ctrl-C, tools this machine lacks) are skipped; {@code mvn} lines
 * are what this suite is.
 */
class ReadmeIT {
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    static List<String> readmeCommands() throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inBash = false;
        for (String line : Files.readAllLines(PROJECT.resolve("README.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("```")) {
                inBash = !inBash && line.equals("```bash");
                continue;
            }
            if (inBash && line.startsWith("./polyhead") && !line.contains("not run by the tests")) {
                commands.add(line);
            }
        }
        return commands;
    }

    @Test
    void everyReadmeCommandRuns(@TempDir Path dir) throws Exception {
        List<String> commands = readmeCommands();
        assertFalse(commands.isEmpty(), "the README has ./polyhead commands");
        String launcher = PROJECT.resolve("polyhead").toString();
        // The README's table examples read the project's tables by their path in a checkout.
        Path data = dir.resolve("src/test/resources/data");
        Files.createDirectories(data.getParent());
        Files.createSymbolicLink(data, PROJECT.resolve("src/test/resources/data"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            for (String command : commands) {
                long t0 = System.nanoTime();
                run(dir, launcher + command.substring("./polyhead".length())
                        .replace("127.0.0.1:9092", broker.bootstrapServers()), command);
                // What each command costs the suite, in the test's report.
                System.out.printf(java.util.Locale.ROOT, "ReadmeIT: %5.1f s  %s%n", (System.nanoTime() - t0) / 1e9,
                        command.length() > 100 ? command.substring(0, 100) + " ..." : command);
            }
        }
    }

    private static void run(Path dir, String shell, String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", shell).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("last-output.txt").toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String output = Files.readString(dir.resolve("last-output.txt"));
        assertEquals(0, p.exitValue(), command + " failed:\n" + output);
    }
}
