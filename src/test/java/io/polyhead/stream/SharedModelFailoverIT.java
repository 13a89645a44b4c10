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
            // The partitions that moved: per task, its last 100 predictions before the kill (made by the killed
            // instance) against its first 100 after it (the survivor's, from the restored replica). Per task,
            // because under a backlog Kafka Streams serves one partition's records in long runs: a task whose
            // partition waited has few predictions before the kill and is still early in its learning after it.
            java.util.Set<Integer> moved = new java.util.HashSet<>(List.of(0, 1, 2, 3));
            before.forEach(t -> moved.remove(Integer.parseInt(t.substring(t.indexOf('_') + 1))));
            java.util.Map<String, List<Prediction>> taskBefore = new java.util.TreeMap<>();
            java.util.Map<String, List<Prediction>> taskAfter = new java.util.TreeMap<>();
            for (int i = 0; i < outputs.predictions.size(); i++) {
                if (moved.contains(outputs.partitions.get(i))) {
                    Prediction p = outputs.predictions.get(i);
                    (i < beforeKill ? taskBefore : taskAfter).computeIfAbsent(p.task(), t -> new java.util.ArrayList<>()).add(p);
                }
            }
            double lossBefore = 0;
            double lossAfter = 0;
            List<String> compared = new java.util.ArrayList<>();
            for (var e : taskBefore.entrySet()) {
                List<Prediction> after = taskAfter.getOrDefault(e.getKey(), List.of());
                if (e.getValue().size() >= 100 && after.size() >= 100) {
                    lossBefore += meanLoss(e.getValue().subList(e.getValue().size() - 100, e.getValue().size()));
                    lossAfter += meanLoss(after.subList(0, 100));
                    compared.add(e.getKey());
                }
            }
            lossBefore /= compared.size();
            lossAfter /= compared.size();
            System.out.printf(Locale.ROOT, "failover: survivor owned %s, all 4 partitions %.1f s after the kill, every "
                    + "output %.1f s after it; loss of a fresh model (each task's first 5 events) %.3f; the moved "
                    + "partitions %s, tasks %s: last 100 before the kill %.3f, first 100 after it %.3f%n", before, takeover,
                    drained, start, moved, compared, lossBefore, lossAfter);
            assertTrue(!compared.isEmpty(), "a moved task with 100 predictions before the kill and 100 after it");
            // Near the loss before, not a fresh model's: within a fifth of the way from the one to the other.
            assertTrue(lossAfter - lossBefore < 0.2 * (start - lossBefore), "loss of the moved tasks after the "
                    + "takeover " + lossAfter + ", before it " + lossBefore + ", a fresh model's " + start);
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
