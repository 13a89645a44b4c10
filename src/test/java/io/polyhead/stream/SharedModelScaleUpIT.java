package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A second instance of {@code polyhead run} joins mid-stream: partitions move to it, nothing is lost or
 * duplicated ({@code read_committed}), each task counts its events 1..k, and the loss does not jump: the
 * partitions that moved continue from their stored model. Each instance's {@code /api/tasks} answers for
 * the tasks of both.
 */
class SharedModelScaleUpIT extends StreamTestBase {

    @Test
    void aSecondInstanceJoinsMidStream(@TempDir Path dir) throws Exception {
        StreamOptions o = StreamOptions.defaults(); // the real topic names: `run` uses them
        createTopics(o, 4);
        int n = 20_000;
        List<String> ids = produce(o, n);
        Outputs outputs = new Outputs(o);
        InstanceProcess a = null;
        InstanceProcess b = null;
        int portA = freePort();
        int portB = freePort();
        try {
            a = InstanceProcess.start(dir.resolve("a.log"), args(dir, "a", portA));
            outputs.readUntil(n / 3, Duration.ofSeconds(120));
            int beforeJoin = outputs.predictions.size();
            assertTrue(outputs.total() < n, "joined mid-stream: " + outputs.total() + " of " + n);
            b = InstanceProcess.start(dir.resolve("b.log"), args(dir, "b", portB));
            LayoutBench.awaitAssignment(List.of(a, b), 4, line -> { });
            outputs.readUntil(n, Duration.ofSeconds(120));
            Thread.sleep(2000);
            outputs.readUntil(n + 1, Duration.ofSeconds(3));
            assertExactlyOnce(ids, outputs, "after a second instance joined; logs:\n" + tail(a.log(), 20) + "\n" + tail(b.log(), 20));
            List<Prediction> justBefore = outputs.predictions.subList(Math.max(0, beforeJoin - 1000), beforeJoin);
            List<Prediction> justAfter = outputs.predictions.subList(beforeJoin, Math.min(beforeJoin + 1000,
                    outputs.predictions.size()));
            double start = meanLoss(outputs.predictions.stream().filter(p -> p.taskEvents() <= 5).toList());
            System.out.printf(Locale.ROOT, "scale-up: instance a owns %s, b owns %s; loss at the start %.3f, before the "
                    + "join %.3f, after it %.3f%n", a.tasks(), b.tasks(), start, meanLoss(justBefore), meanLoss(justAfter));
            assertTrue(meanLoss(justAfter) < 0.5 * start, "loss after the join " + meanLoss(justAfter)
                    + " vs at the start " + start);
            assertEquals(a.modelVersion(), b.modelVersion(), "both instances hold every replica's steps");
            java.util.Set<String> tasks = new java.util.TreeSet<>();
            outputs.predictions.forEach(p -> tasks.add(p.task()));
            for (int port : new int[] {portA, portB}) {
                JsonNode all = api(port, "api/tasks");
                assertEquals(2, all.path("instances").asInt(), all.toString());
                assertEquals(tasks.size(), all.path("count").asInt(), "every task, from both instances: " + all);
                assertEquals(0, all.path("unreachable").size(), all.toString());
                for (String task : tasks) {
                    assertEquals(task, api(port, "api/tasks/" + task).path("task").asText(), "asked at " + port);
                }
            }
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

    private static String[] args(Path dir, String name, int httpPort) {
        return runArgs(dir.resolve("state-" + name), "polyhead-scale-up", "--status-every", "250ms", "--http-port",
                String.valueOf(httpPort));
    }

    private static JsonNode api(int port, String path) throws Exception {
        return JSON.readTree(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/" + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
