package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.bench.InstanceProcess;
import io.polyhead.bench.LayoutBench;
import io.polyhead.event.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of {@code polyhead run} (each its own JVM, one application id, a standby replica each):
 * one is killed with SIGKILL mid-stream, the survivor takes over its partitions. Consumed with
 * {@code read_committed}, every input has exactly one prediction or dead letter, each task counts its
 * events 1..k, and the loss right after the takeover is that of a model that kept learning, not a fresh
 * one's. The failover time is printed.
 */
class SharedModelFailoverIT extends StreamTestBase {

    @Test
    void killNineOneOfTwoInstancesLosesNothing(@TempDir Path dir) throws Exception {
        StreamOptions o = StreamOptions.defaults(); // the real topic names: `run` uses them
        createTopics(o, 4);
        int n = 20_000;
        List<String> ids = produce(o, n);
        Outputs outputs = new Outputs(o);
        InstanceProcess a = null;
        InstanceProcess b = null;
        try {
            a = InstanceProcess.start(dir.resolve("a.log"), args(dir, "a"));
            b = InstanceProcess.start(dir.resolve("b.log"), args(dir, "b"));
            LayoutBench.awaitAssignment(List.of(a, b), 4, line -> { });
            outputs.readUntil(n / 3, Duration.ofSeconds(120));
            int beforeKill = outputs.predictions.size();
            assertTrue(outputs.total() < n, "killed mid-stream: " + outputs.total() + " of " + n);
            long t0 = System.nanoTime();
            b.kill();
            List<String> before = a.tasks();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (a.tasks().size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double takeover = (System.nanoTime() - t0) / 1e9;
            assertEquals(4, a.tasks().size(), "the survivor owns every partition; its log: " + tail(a.log(), 30));
            outputs.readUntil(n, Duration.ofSeconds(120));
            double drained = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2000);
            outputs.readUntil(n + 1, Duration.ofSeconds(3));
            String evidence = outputs.total() < n ? stallEvidence(ids, outputs, o, "polyhead-failover") : "";
            if (!evidence.isEmpty()) {
                System.out.println(evidence);
                Path keep = Files.createDirectories(Path.of("target", "failover-logs"));
                Files.copy(a.log(), keep.resolve("a.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(b.log(), keep.resolve("b.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(keep.resolve("evidence.txt"), evidence);
            }
            assertExactlyOnce(ids, outputs, "after kill -9 of one of two instances; survivor's log:\n" + tail(a.log(), 30)
                    + evidence);
            double start = meanLoss(outputs.predictions.stream().filter(p -> p.taskEvents() <= 5).toList());
            List<Prediction> justBefore = outputs.predictions.subList(Math.max(0, beforeKill - 1000), beforeKill);
            List<Prediction> justAfter = outputs.predictions.subList(beforeKill, Math.min(beforeKill + 1000,
                    outputs.predictions.size()));
            System.out.printf(Locale.ROOT, "failover: survivor owned %s, all 4 partitions %.1f s after the kill, every "
                    + "output %.1f s after it; loss at the start %.3f, before the kill %.3f, after it %.3f%n", before,
                    takeover, drained, start, meanLoss(justBefore), meanLoss(justAfter));
            assertTrue(meanLoss(justAfter) < 0.5 * start, "loss after the takeover " + meanLoss(justAfter)
                    + " vs at the start " + start);
        } finally {
            outputs.close();
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }

    private static String[] args(Path dir, String name) {
        return runArgs(dir.resolve("state-" + name), "polyhead-failover", "--status-every", "250ms",
                "--standby-replicas", "1");
    }

}
