package io.polyhead.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import org.junit.jupiter.api.Test;

/**
 * What the meta-learner must achieve for new tasks (issue 4): 50 tasks, a new one every 1000 events;
 * the figure is the mean loss over the first 10 events of each task after the first 10 (tasks that
 * appear once there is something to learn from), with the meta-learner on against off.
 */
class MetaLearningTest {
    private static final int EVENTS = 50_000;

    static double newTaskLoss(Generators.Name name, GeneratorOptions options, boolean meta) {
        LearnerConfig config = LearnerConfig.defaults().toBuilder().meta(meta).build();
        return PrequentialRun.over(Generators.create(name, options), EVENTS, config).metrics()
                .meanEarlyLoss(TaskMetrics.EARLY_SHORT, EvaluationReport.LATE_TASKS_AFTER);
    }

    private static GeneratorOptions newTasks(long seed) {
        return GeneratorOptions.defaults().withTasks(50).withNewTaskEvery(1000, 5).withSeed(seed);
    }

    @Test
    void newSinusoidTasksStartWithAQuarterOfTheLoss() {
        double on = newTaskLoss(Generators.Name.SINUSOID, newTasks(3), true);
        double off = newTaskLoss(Generators.Name.SINUSOID, newTasks(3), false);
        assertTrue(on <= 0.25 * off, "first-10 loss of new tasks: meta on " + on + ", off " + off);
    }

    @Test
    void noNegativeTransferOnUnrelatedTasks() {
        double on = newTaskLoss(Generators.Name.UNRELATED, newTasks(3), true);
        double off = newTaskLoss(Generators.Name.UNRELATED, newTasks(3), false);
        assertTrue(on <= 1.05 * off, "unrelated: meta on " + on + ", off " + off);
    }

    @Test
    void noNegativeTransferOnBinaryTasksWhoseLabelsDisagree() {
        GeneratorOptions binary = newTasks(4).withKind(TaskType.BINARY);
        double on = newTaskLoss(Generators.Name.UNRELATED, binary, true);
        double off = newTaskLoss(Generators.Name.UNRELATED, binary, false);
        assertTrue(on <= 1.05 * off, "disagreeing binary: meta on " + on + ", off " + off);
    }
}
