package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code polyhead generate} through the real command line. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    /** Runs the command line; returns the exit code, usage errors go to {@code err}. */
    static int run(StringWriter err, String... args) {
        CommandLine cl = PolyheadCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void writesParseableLinesToTheOutputFile() throws Exception {
        Path out = dir.resolve("s.jsonl");
        assertEquals(0, run(new StringWriter(), "generate", "lowrank", "--events", "250", "--tasks", "7",
                "--dim", "16", "--output", out.toString()));
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(250, lines.size());
        EventParser parser = new EventParser(EventParser.Config.defaults().withInputDim(16));
        for (String line : lines) {
            Event e = parser.parse(line);
            assertTrue(e.labeled());
            assertTrue(e.task().startsWith("task-"));
        }
    }

    @Test
    void everyGeneratorWritesParseableEvents() throws Exception {
        for (String name : new String[] {"sinusoid", "lowrank", "hyperplane", "unrelated"}) {
            Path out = dir.resolve(name + ".jsonl");
            assertEquals(0, run(new StringWriter(), "generate", name, "--events", "20", "-o", out.toString()));
            EventParser parser = new EventParser(EventParser.Config.defaults());
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertEquals(20, lines.size(), name);
            for (String line : lines) {
                parser.parse(line);
            }
        }
    }

    @Test
    void rankForSinusoidIsAUsageError() {
        StringWriter err = new StringWriter();
        Path out = dir.resolve("never.jsonl");
        assertEquals(2, run(err, "generate", "sinusoid", "--rank", "3", "--output", out.toString()));
        assertTrue(err.toString().contains("--rank applies to lowrank only"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void invalidOptionValuesAreUsageErrorsNamingTheValue() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "generate", "lowrank", "--dim", "5", "--rank", "9", "-o",
                dir.resolve("x").toString()));
        assertTrue(err.toString().contains("Got: 9"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "generate", "spiral"));
        assertTrue(err2.toString().contains("spiral"), err2.toString());
        StringWriter err3 = new StringWriter();
        assertEquals(2, run(err3, "generate", "lowrank", "--tasks", "0"));
        assertTrue(err3.toString().contains("Got: 0"), err3.toString());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Path c = dir.resolve("c.jsonl");
        String[] common = {"generate", "hyperplane", "--events", "300", "--tasks", "5", "--new-task-every", "50"};
        assertEquals(0, run(new StringWriter(), concat(common, "--seed", "9", "-o", a.toString())));
        assertEquals(0, run(new StringWriter(), concat(common, "--seed", "9", "-o", b.toString())));
        assertEquals(0, run(new StringWriter(), concat(common, "--seed", "10", "-o", c.toString())));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
