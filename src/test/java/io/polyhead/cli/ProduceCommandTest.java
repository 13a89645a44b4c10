package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.stream.client.EventProducer;
import io.polyhead.stream.client.RateLimiter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code produce} and {@code tail} option checks (no broker), the rate limiter on a fake clock, EventProducer on a MockProducer. */
class ProduceCommandTest {

    /** Runs the CLI and returns {exit code, stderr}. Option errors must come before any connection. */
    private static Object[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = PolyheadCli.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        return new Object[] {code, err.toString()};
    }

    private static void assertUsageError(String expectedInMessage, String... args) {
        Object[] r = run(args);
        assertEquals(2, r[0], "exit code of " + String.join(" ", args) + "; stderr: " + r[1]);
        assertTrue(((String) r[1]).contains(expectedInMessage), "stderr should mention " + expectedInMessage + ": " + r[1]);
    }

    @Test
    void withoutAClusterTheCommandsSayHowToGetOne() {
        assertUsageError("-b/--bootstrap-server", "produce", "lowrank");
        assertUsageError("polyhead broker", "produce", "lowrank");
        assertUsageError("-b/--bootstrap-server", "tail");
    }

    @Test
    void badValuesAreNamed(@TempDir Path dir) throws Exception {
        // 127.0.0.1:1 is never reached: every one of these fails before connecting.
        String b = "127.0.0.1:1";
        assertUsageError("Got: -5.0", "produce", "lowrank", "-b", b, "--rate", "-5");
        assertUsageError("Got: sometimes", "produce", "lowrank", "-b", b, "--key", "sometimes");
        assertUsageError("Got: -1", "produce", "lowrank", "-b", b, "--events", "-1");
        assertUsageError("\"no-such.jsonl\"", "produce", "no-such.jsonl", "-b", b);
        assertUsageError("--tasks must be at least 1. Got: 0", "produce", "lowrank", "-b", b, "--tasks", "0");
        assertUsageError("--drift applies to hyperplane only", "produce", "lowrank", "-b", b, "--drift", "0.1");
        Path file = Files.writeString(dir.resolve("e.jsonl"), "{\"task\":\"a\",\"features\":[1]}\n");
        assertUsageError("--tasks applies to generator sources only", "produce", file.toString(), "-b", b, "--tasks", "3");
        assertUsageError("Got: xml", "tail", "-b", b, "--format", "xml");
        assertUsageError("Got: 0", "tail", "-b", b, "--max", "0");
        assertUsageError("Got: -2.0", "tail", "-b", b, "--timeout", "-2");
    }

    @Test
    void generateStillTakesTheSharedGeneratorOptions(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s.jsonl");
        Object[] r = run("generate", "hyperplane", "--events", "5", "--tasks", "2", "--drift", "0.01", "-o", out.toString());
        assertEquals(0, r[0], (String) r[1]);
        assertEquals(5, Files.readAllLines(out).size());
        assertUsageError("--rank applies to lowrank only", "generate", "hyperplane", "--rank", "2");
    }

    /** A clock whose sleeps only move its hands; work between permits is simulated by advance(). */
    static class FakeClock implements RateLimiter.Clock {
        long now = 1_000_000_000L;
        long slept;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
            slept += nanos;
        }
    }

    @Test
    void rateLimiterPacesToTheRate() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(1000, 1, clock);
        long start = clock.now;
        for (int i = 0; i < 5000; i++) {
            limiter.acquire();
            clock.now += 300_000; // 0.3 ms of work per event: the limiter sleeps the rest of each 1 ms
        }
        double seconds = (clock.now - start) / 1e9;
        assertEquals(5000 / 1000.0, seconds, 5.0 * 0.01, "5000 events at 1000/s");
    }

    @Test
    void lateWakeUpsAreMadeUpSoTheMeanRateHolds() throws Exception {
        // Every sleep overshoots by 0.2 ms at 10k/s (0.1 ms per event): a naive sleep-per-event would run at a third.
        FakeClock clock = new FakeClock() {
            @Override
            public void sleepNanos(long nanos) {
                super.sleepNanos(nanos + 200_000);
            }
        };
        // The bucket (10 ms here) is what absorbs the overshoot; with a bucket of 1 the lateness is lost.
        RateLimiter limiter = new RateLimiter(10_000, 100, clock);
        long start = clock.now;
        for (int i = 0; i < 20_000; i++) {
            limiter.acquire();
        }
        double rate = 20_000 / ((clock.now - start) / 1e9);
        assertEquals(10_000, rate, 10_000 * 0.03);
    }

    @Test
    void anIdleLimiterBanksAtMostItsBurst() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(100, 10, clock);
        limiter.reserve();
        clock.now += 60_000_000_000L; // a minute idle
        int free = 0;
        while (limiter.reserve() == 0) {
            free++;
        }
        assertEquals(10, free);
        assertEquals(0, clock.slept);
    }

    @Test
    void zeroRateNeverWaitsAndBadRatesAreNamed() {
        FakeClock clock = new FakeClock();
        RateLimiter unlimited = new RateLimiter(0, 1, clock);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, unlimited.reserve());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RateLimiter(-3, 1, clock));
        assertTrue(e.getMessage().contains("Got: -3.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(Double.NaN, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(10, 0.5, clock));
    }

    @Test
    void eventProducerKeysByTaskCountsAcksAndErrors() throws Exception {
        MockProducer<byte[], byte[]> mock = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        try (EventProducer p = new EventProducer(mock, "ev", true, RateLimiter.unlimited())) {
            p.send(Event.of("task-1", new float[] {1f, 2f}, 0.5));
            p.send("k".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(2, p.attempted());
            assertEquals("task-1", new String(mock.history().get(0).key(), StandardCharsets.UTF_8));
            assertTrue(new String(mock.history().get(0).value(), StandardCharsets.UTF_8).startsWith("{\"task\":\"task-1\""));
            mock.completeNext();
            mock.errorNext(new RuntimeException("broker said no"));
            assertEquals(1, p.sent());
            assertEquals(1, p.errors());
            assertEquals("broker said no", p.firstError().getMessage());
        }
        MockProducer<byte[], byte[]> unkeyed = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        try (EventProducer p = new EventProducer(unkeyed, "ev", false, RateLimiter.unlimited())) {
            p.send(Event.of("task-1", new float[] {1f}, null));
            assertEquals(null, unkeyed.history().get(0).key());
            assertEquals(1, p.sent());
        }
    }

    @Test
    void producerConfigIsSafeByDefaultAndTheUsersFileWins() {
        var given = new java.util.Properties();
        given.setProperty("bootstrap.servers", "h:1");
        given.setProperty("linger.ms", "20");
        var p = EventProducer.producerConfig(given);
        assertEquals("all", p.get("acks"));
        assertEquals("true", p.get("enable.idempotence"));
        assertEquals("20", p.get("linger.ms"));
        assertEquals("h:1", p.get("bootstrap.servers"));
    }
}
