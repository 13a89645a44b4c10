package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code polyhead bench tracking} through the real command line, on a short run. */
class BenchTrackingCommandTest {

    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, GenerateCommandTest.run(new StringWriter(), args));
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOneLinePerRuleAndIsSeeded() {
        String out = run("bench", "tracking", "--examples", "2000", "--seed", "3");
        assertTrue(out.contains("MSE over examples 0-2000"), out);
        assertTrue(out.contains("autostep (initial 0.01)"), out);
        for (double rate : BenchTrackingCommand.GRID) {
            assertTrue(out.contains("lms " + rate + " "), out);
        }
        assertTrue(out.contains("best fixed rate:"), out);
        assertEquals(out, run("bench", "tracking", "--examples", "2000", "--seed", "3"));
    }
}
