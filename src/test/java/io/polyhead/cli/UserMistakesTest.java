package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ordinary mistakes, run through the real command line: one line on standard error naming the option or
 * file and the bad value, no stack trace, and the exit code.
 */
class UserMistakesTest {

    @TempDir
    static Path dir;

    private static String[] run(String args) throws Exception {
        Path events = dir.resolve("two.jsonl");
        Files.writeString(events, "{\"task\":\"a\",\"features\":[1,2]}\n{\"task\":\"a\",\"features\":[1,2]}\n");
        StringWriter err = new StringWriter();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream before = System.err;
        PrintStream beforeOut = System.out;
        int code;
        try {
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            picocli.CommandLine cl = PolyheadCli.commandLine();
            cl.setErr(new PrintWriter(err, true));
            code = cl.execute(args.replace("EVENTS", events.toString()).replace("DIR", dir.toString()).split(" "));
        } finally {
            System.setErr(before);
            System.setOut(beforeOut);
        }
        return new String[] {String.valueOf(code), err + stderr.toString(StandardCharsets.UTF_8)};
    }

    @org.junit.jupiter.api.Test
    void aMisspeltFieldAndBlankLinesAreReportedNotSilent() throws Exception {
        Path events = dir.resolve("misspelt.jsonl");
        Files.writeString(events, "{\"task\":\"a\",\"features\":[1,2],\"lable\":1}\n\n"
                + "{\"task\":\"a\",\"features\":[1,2],\"lable\":0}\n");
        String[] result = run("evaluate " + events + " --quiet");
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("fields the contract does not define were ignored: {lable=2}"), result[1]);
        assertTrue(result[1].contains("1 blank line skipped"), result[1]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "evaluate missing.jsonl                 | 2 | FILE missing.jsonl: no such file",
        "evaluate DIR                           | 2 | : is a directory, not a file",
        "evaluate EVENTS --load missing.snap    | 2 | --load missing.snap: no such file",
        "evaluate EVENTS --batch-size 0         | 2 | --batch-size: batch size must be at least 1. Got: 0",
        "evaluate EVENTS --hidden abc           | 2 | --hidden takes widths separated by commas, like 64,64, or 'none'. Got: abc",
        "evaluate EVENTS --meta maybe           | 2 | --meta takes on or off. Got: maybe",
        "evaluate EVENTS --lr -1                | 2 | --lr: trunk learning rate must be positive and finite. Got: -1.0",
        "evaluate EVENTS --lr abc               | 2 | Invalid value for option '--lr': 'abc' is not a double",
        "evaluate EVENTS --input-dim 8 --quiet  | 1 | every line was rejected (2), nothing was learned; reasons: {features=2}",
        "demo --http-port 70000                 | 2 | --http-port must be 0 to 65535. Got: 70000",
        "demo --log-level loud                  | 2 | --log-level",
        "tail --idle 0 -b 127.0.0.1:1           | 2 | --idle must be a positive number of seconds. Got: 0.0",
        "evaluate EVENTS --bogus                | 2 | Unknown option: '--bogus'",
        "run --checkpoint-interval soon         | 2 | Invalid value for option '--checkpoint-interval': a duration is like 500ms, 30s, 30m, 12h, 7d or 0. Got: soon",
        "demo --sync-interval -5s               | 2 | Invalid value for option '--sync-interval': a duration may not be negative. Got: -5s",
        "run --status-every 10x                 | 2 | Invalid value for option '--status-every'",
        "run --kafka-config missing.properties  | 2 | --kafka-config missing.properties: no such file",
        "demo --kafka-config missing.properties | 2 | --kafka-config missing.properties: no such file",
        "bench e2e --instances 1 --kafka-config missing.properties | 2 | --kafka-config missing.properties: no such file",
        "bench e2e --instances 1 -b 127.0.0.1:1 | 2 | -b is not used with --instances",
        "bench e2e --instances 1 --event-spacing -1 | 2 | --event-spacing must be 0 to 60000 milliseconds. Got: -1",
        "bench e2e --event-spacing 1            | 2 | --event-spacing is used with --instances only",
        "bench e2e --no-event-timestamps        | 2 | --no-event-timestamps is used with --instances only",
    })
    void aMistakeIsOneLineAndAnExitCode(String args, int exit, String message) throws Exception {
        String[] result = run(args.trim());
        String stderr = result[1];
        assertEquals(exit, Integer.parseInt(result[0]), stderr);
        assertEquals(1, stderr.lines().filter(l -> !l.isBlank()).count(), "one line:\n" + stderr);
        assertTrue(stderr.contains(message), stderr);
        assertTrue(stderr.startsWith("polyhead "), "names the command: " + stderr);
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), "no stack trace:\n" + stderr);
    }

    @org.junit.jupiter.api.Test
    void logLevelSetsKafkasLoggersBeforeAnyLoggerExists() {
        String key = "org.slf4j.simpleLogger.log.org.apache.kafka";
        String before = System.getProperty(key);
        try {
            PolyheadCli.routeLogs(new String[] {"run", "--log-level", "INFO", "--log-file", "-"});
            assertEquals("info", System.getProperty(key));
            PolyheadCli.routeLogs(new String[] {"demo", "--log-level=debug", "--log-file", "-"});
            assertEquals("debug", System.getProperty(key));
            // A bad level changes nothing: picocli names it when the command runs.
            PolyheadCli.routeLogs(new String[] {"demo", "--log-level", "loud", "--log-file", "-"});
            assertEquals("debug", System.getProperty(key));
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
            System.clearProperty("org.slf4j.simpleLogger.log.kafka");
            System.clearProperty("org.slf4j.simpleLogger.log.state.change.logger");
        }
    }
}
