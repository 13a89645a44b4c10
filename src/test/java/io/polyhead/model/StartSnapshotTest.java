package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task saved while it still chooses its start is restored with the start its blend trusts most. */
class StartSnapshotTest {

    @Test
    void aTaskMidWindowIsStoredWithItsBestStart() throws Exception {
        StreamGenerator gen = Generators.create(Generators.Name.SINUSOID,
                GeneratorOptions.defaults().withTasks(30).withNewTaskEvery(400, 6).withSeed(8));
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().batchSize(1).build());
        String choosing = null;
        for (int i = 0; i < 20_000 && choosing == null; i++) {
            Event e = gen.next();
            learner.admit(e);
            learner.learn(List.of(e));
            for (Map.Entry<String, TaskHead> h : learner.heads().entrySet()) {
                if (h.getValue().start() != null && h.getValue().trunkHead().labeledEvents() >= 3) {
                    choosing = h.getKey();
                }
            }
        }
        assertNotNull(choosing, "a new task started from the priors");
        TaskHead original = learner.heads().get(choosing);
        double[] best = original.start().winner();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LearnerSnapshot.write(learner, bytes);
        MultiTaskLearner loaded = LearnerSnapshot.read(new ByteArrayInputStream(bytes.toByteArray()));
        TaskHead restored = loaded.heads().get(choosing);
        assertNull(restored.start(), "candidates are not stored");
        assertArrayEquals(best, restored.trunkHead().weights(), 0.0);
        assertNull(restored.startTaken(), "a start still being chosen is not recorded as taken");
    }

    @Test
    void theStartsTakenAndTheirWindowLossesAreRestored() throws Exception {
        StreamGenerator gen = Generators.create(Generators.Name.SINUSOID,
                GeneratorOptions.defaults().withTasks(30).withNewTaskEvery(400, 6).withSeed(8));
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults());
        for (int i = 0; i < 8000; i++) {
            Event e = gen.next();
            learner.admit(e);
            learner.learn(List.of(e));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LearnerSnapshot.write(learner, bytes);
        MultiTaskLearner loaded = LearnerSnapshot.read(new ByteArrayInputStream(bytes.toByteArray()));
        int chosen = 0;
        for (Map.Entry<String, TaskHead> h : learner.heads().entrySet()) {
            TaskHead restored = loaded.heads().get(h.getKey());
            if (h.getValue().startLosses() != null) {
                chosen++;
                assertArrayEquals(h.getValue().startLosses(), restored.startLosses(), 0.0, h.getKey());
            } else {
                assertNull(restored.startLosses(), h.getKey());
            }
            org.junit.jupiter.api.Assertions.assertEquals(h.getValue().startCandidate(), restored.startCandidate(), h.getKey());
        }
        org.junit.jupiter.api.Assertions.assertTrue(chosen >= 5, "tasks that chose a start: " + chosen);
    }
}
