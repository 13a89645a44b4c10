package io.polyhead.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ModelKind;
import org.junit.jupiter.api.Test;

/**
 * What the learning core must achieve on the synthetic families with its default configuration
 * (issue 2). Each run is 50k events through the real learner, prequentially: predict, then learn.
 */
class LearningQualityTest {
    private static final int EVENTS = 50_000;

    private static double secondHalf(Generators.Name name, GeneratorOptions options, ModelKind model) {
        LearnerConfig config = LearnerConfig.defaults().toBuilder().model(model).build();
        return PrequentialRun.over(Generators.create(name, options), EVENTS, config).metrics().secondHalfLoss();
    }

    @Test
    void onRelatedTasksTheSharedTrunkBeatsBothBaselines() {
        GeneratorOptions lowrank = GeneratorOptions.defaults().withTasks(20).withRank(4).withSeed(1);
        double shared = secondHalf(Generators.Name.LOWRANK, lowrank, ModelKind.SHARED);
        double independent = secondHalf(Generators.Name.LOWRANK, lowrank, ModelKind.INDEPENDENT);
        double pooled = secondHalf(Generators.Name.LOWRANK, lowrank, ModelKind.POOLED);
        assertTrue(shared <= 0.8 * independent,
                "shared " + shared + " should be at least 20% below independent " + independent);
        assertTrue(shared < pooled, "shared " + shared + " should beat pooled " + pooled);
    }

    @Test
    void sinusoidFamilyIsLearnedBelowMse005() {
        GeneratorOptions sinusoid = GeneratorOptions.defaults().withTasks(20).withSeed(2);
        double mse = secondHalf(Generators.Name.SINUSOID, sinusoid, ModelKind.SHARED);
        assertTrue(mse < 0.05, "second-half MSE " + mse);
    }

    @Test
    void onUnrelatedTasksSharingCostsAtMostFivePercent() {
        GeneratorOptions unrelated = GeneratorOptions.defaults().withTasks(20).withSeed(3);
        double shared = secondHalf(Generators.Name.UNRELATED, unrelated, ModelKind.SHARED);
        double independent = secondHalf(Generators.Name.UNRELATED, unrelated, ModelKind.INDEPENDENT);
        assertTrue(shared <= 1.05 * independent, "shared " + shared + " vs independent " + independent);
    }

    @Test
    void identicalSeedsGiveIdenticalReports() {
        GeneratorOptions options = GeneratorOptions.defaults().withTasks(10).withKind(io.polyhead.event.TaskType.BINARY);
        LearnerConfig config = LearnerConfig.defaults();
        EvaluationReport a = EvaluationReport.of("lowrank", PrequentialRun.over(
                Generators.create(Generators.Name.LOWRANK, options), 5000, config), 0);
        EvaluationReport b = EvaluationReport.of("lowrank", PrequentialRun.over(
                Generators.create(Generators.Name.LOWRANK, options), 5000, config), 0);
        assertEquals(a.toJson(), b.toJson());
        EvaluationReport c = EvaluationReport.of("lowrank", PrequentialRun.over(
                Generators.create(Generators.Name.LOWRANK, options), 5000, config.toBuilder().seed(9).build()), 0);
        assertTrue(!a.toJson().equals(c.toJson()), "another learner seed should change the figures");
    }
}
