package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.model.LearnerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner topology on a real broker, 4 partitions, exactly-once: 20,000 inputs (some invalid,
 * some unkeyed) give exactly one prediction or one dead letter each, none twice, across a stop and a
 * restart mid-stream from empty local state (so the model is restored from its changelogs); and the
 * model continues where it was instead of starting over.
 */
class StreamExactlyOnceIT extends StreamTestBase {

    @Test
    void everyInputYieldsExactlyOneOutputAcrossARestartAndTheModelContinues(@TempDir Path dir) throws Exception {
        restartScenario(dir);
    }

    /** The scenario, shared with the Testcontainers variant. */
    static void restartScenario(Path dir) throws Exception {
        StreamOptions o = options("eos");
        createTopics(o, 4);
        LearnerConfig config = LearnerConfig.defaults().toBuilder().hidden(32, 32).build();
        int n = 20_000;
        List<String> ids = produce(o, n);
        Outputs outputs = new Outputs(o);
        try {
            try (PolyheadStreams app = startApp(o, config, dir.resolve("state-1"), "polyhead-eos")) {
                outputs.readUntil(n / 2, Duration.ofSeconds(120));
            }
            int beforeRestart = outputs.predictions.size();
            assertTrue(beforeRestart > 0 && outputs.total() < n, "stopped mid-stream: " + outputs.total());
            // Empty local state: the second instance restores trunk, heads and pending events from changelogs.
            try (PolyheadStreams app = startApp(o, config, dir.resolve("state-2"), "polyhead-eos")) {
                outputs.readUntil(n, Duration.ofSeconds(180));
                Thread.sleep(1500); // anything extra (a duplicate) would arrive now
                outputs.readUntil(n + 1, Duration.ofSeconds(2));
            }

            assertExactlyOnce(ids, outputs, "stop and restart from empty state");

            double start = meanLoss(outputs.predictions.stream().filter(p -> p.taskEvents() <= 5).toList());
            double afterRestart = meanLoss(outputs.predictions.subList(beforeRestart, beforeRestart + 1000));
            assertTrue(afterRestart < 0.5 * start, "loss after restart " + afterRestart + " vs at start " + start);
            long firstVersionAfter = outputs.predictions.get(beforeRestart).modelVersion();
            assertTrue(firstVersionAfter > 0, "the restored model kept its version: " + firstVersionAfter);
        } finally {
            outputs.close();
        }
    }

}
