package io.polyhead.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the meta-learner must achieve (issue 4). Robustness: see the first test. New tasks: 50 tasks, a new one every 1000 events;
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

    /**
     * Starting trunk rates five decades apart: with the meta-learner every start ends within 15% of the
     * best fixed rate of the grid; without it the worst start is at least 1.5 times as bad. The same runs
     * as the robustness table of {@code polyhead bench meta} ({@code --seed 1}, and 2 and 3 for lowrank: before
     * the trunk rate's streak boost, lowrank from 1e-4 held on seed 1 only, 1.24x on seed 2).
     */
    @ParameterizedTest
    @CsvSource({"LOWRANK, 1", "LOWRANK, 2", "LOWRANK, 3", "SINUSOID, 1"})
    void everyStartingTrunkRateEndsNearTheBestFixedRate(Generators.Name name, long seed) {
        double[] starts = {1e-4, 1e-3, 1e-2, 1e-1, 1};
        GeneratorOptions options = GeneratorOptions.defaults().withTasks(20).withSeed(seed);
        double[] on = new double[starts.length];
        double[] off = new double[starts.length];
        for (int i = 0; i < starts.length; i++) {
            on[i] = secondHalf(name, options, true, starts[i]);
            off[i] = secondHalf(name, options, false, starts[i]);
        }
        // A diverged run (NaN) counts as infinitely bad.
        Arrays.setAll(on, i -> Double.isNaN(on[i]) ? Double.POSITIVE_INFINITY : on[i]);
        Arrays.setAll(off, i -> Double.isNaN(off[i]) ? Double.POSITIVE_INFINITY : off[i]);
        double bestFixed = Arrays.stream(off).min().orElseThrow();
        double worstOn = Arrays.stream(on).max().orElseThrow();
        double worstOff = Arrays.stream(off).max().orElseThrow();
        String figures = name + " seed " + seed + ": meta on " + Arrays.toString(on) + ", off " + Arrays.toString(off);
        assertTrue(worstOn <= 1.15 * bestFixed, figures);
        // That the grid matters: measured, the worst fixed start costs lowrank 1.9x (2.1x with the 64-64 trunk
        // of before), sinusoid hundreds of times.
        assertTrue(worstOff >= 1.5 * bestFixed, figures);
    }

    private static double secondHalf(Generators.Name name, GeneratorOptions options, boolean meta, double trunkRate) {
        LearnerConfig config = LearnerConfig.defaults().toBuilder().meta(meta).trunkRate(trunkRate).build();
        return PrequentialRun.over(Generators.create(name, options), EVENTS, config).metrics().secondHalfLoss();
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
        // Tasks in a rank-2 subspace whose signs disagree: the heads share a subspace, so priors are
        // offered, and their mean is wrong for many tasks.
        GeneratorOptions signs = newTasks(5).withKind(TaskType.BINARY).withRank(2);
        on = newTaskLoss(Generators.Name.LOWRANK, signs, true);
        off = newTaskLoss(Generators.Name.LOWRANK, signs, false);
        assertTrue(on <= 1.05 * off, "lowrank binary, signs disagree: meta on " + on + ", off " + off);
    }
}
