package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A bad or taken HTTP port is a usage error naming it, before any broker or learner starts. */
class HttpPortOptionTest {

    private static int exit(StringWriter err, String... args) {
        CommandLine cl = PolyheadCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void aTakenPortIsOneClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            StringWriter err = new StringWriter();
            int code = exit(err, "run", "--http-port", String.valueOf(taken.getLocalPort()), "--state-dir", "target/unused");
            assertEquals(2, code, err.toString());
            String first = err.toString().lines().findFirst().orElse("");
            assertTrue(first.startsWith("polyhead run: --http-port " + taken.getLocalPort() + ": cannot listen on 127.0.0.1:"),
                    first);
            assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
        }
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        StringWriter err = new StringWriter();
        assertEquals(2, exit(err, "demo", "--http-port", "70000"), err.toString());
        assertTrue(err.toString().startsWith("polyhead demo: --http-port must be 0 to 65535. Got: 70000"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, exit(err2, "demo", "--metrics-top-tasks", "-1"), err2.toString());
        assertTrue(err2.toString().startsWith("polyhead demo: --metrics-top-tasks must be 0 or more. Got: -1"),
                err2.toString());
    }
}
