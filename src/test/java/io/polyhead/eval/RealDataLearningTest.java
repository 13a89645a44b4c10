package io.polyhead.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.eval.RealDataExperiment.Heterogeneous;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ModelKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Learning quality on real tables (src/test/resources/data): the heterogeneous stream of the real-data
 * issue against one scikit-learn MLP per task and against {@code independent}, the 26 letters with
 * tasks arriving over time, and finite losses over the whole grid of rates. {@code polyhead bench real}
 * prints the same figures.
 */
class RealDataLearningTest {
    static final Path DATA = Path.of("src/test/resources/data");
    static byte[] hetero;
    static byte[] letters;

    @BeforeAll
    static void streams() throws Exception {
        hetero = RealDataExperiment.jsonl(RealDataExperiment.heterogeneous(DATA, 1), RealDataExperiment.HETEROGENEOUS_EVENTS);
        letters = RealDataExperiment.jsonl(RealDataExperiment.letters(DATA, 1), RealDataExperiment.LETTERS_EVENTS);
    }

    private static PrequentialRun run(byte[] jsonl, LearnerConfig config) {
        return RealDataExperiment.run(jsonl, config);
    }

    @Test
    void heterogeneousStreamBeatsOneSklearnMlpPerTaskAndIndependentOnEveryRow() {
        PrequentialRun shared = run(hetero, LearnerConfig.defaults());
        Heterogeneous s = Heterogeneous.of(shared.metrics());
        Heterogeneous i = Heterogeneous.of(run(hetero, LearnerConfig.defaults().toBuilder().model(ModelKind.INDEPENDENT)
                .build()).metrics());
        assertEquals(RealDataExperiment.HETEROGENEOUS_EVENTS, shared.metrics().labeled());
        // Measured (seed 1): shared 0.163 / 92.1% / 0.621 / 72.2% / 106; independent 0.341 / 80.1% / 0.737 / 67.6% / 128
        // (with the real-data changes alone: shared 0.264 / 87.9% / 0.632 / 70.7% / 111).
        assertTrue(s.atLeastAsGoodAs(RealDataExperiment.SKLEARN_REFERENCE), "shared " + s + " vs sklearn "
                + RealDataExperiment.SKLEARN_REFERENCE);
        assertTrue(s.betterThan(i), "shared " + s + " vs independent " + i);
        assertNull(shared.learner().nonFinite());
    }

    @Test
    void lettersWithTasksArrivingOverTimeLearnBetterShared() {
        PrequentialMetrics shared = run(letters, LearnerConfig.defaults()).metrics();
        PrequentialMetrics independent = run(letters, LearnerConfig.defaults().toBuilder().model(ModelKind.INDEPENDENT)
                .build()).metrics();
        assertEquals(26, shared.tasks().size());
        // Measured (seed 1): shared 0.205, independent 0.339; accuracy 92.3% vs 87.0% (with the real-data
        // changes alone, before the head-rate mixture and the Newton start: 0.378 vs 0.460).
        String figures = "shared " + shared.meanLoss() + " / " + shared.accuracy() + ", independent "
                + independent.meanLoss() + " / " + independent.accuracy();
        assertTrue(shared.meanLoss() <= 0.24, figures);
        assertTrue(shared.meanLoss() <= 0.75 * independent.meanLoss(), figures);
        assertTrue(shared.accuracy() >= 0.90, figures);
    }

    /**
     * The real-data issue's "cannot be poisoned": every head rate 0.01..2 and trunk rate 1e-4..1 (with the
     * meta-learner, and without it, where the trunk rate is not bounded) leaves every task's loss finite,
     * on both real streams and the four synthetic ones. The issue saw NaN at head rates 0.1, 0.5 and 1.5.
     */
    @Test
    void noRateMakesAnyLossNonFinite() {
        long events = 8000;
        byte[] h = RealDataExperiment.firstLines(hetero, events);
        byte[] l = RealDataExperiment.firstLines(letters, events);
        List<String> bad = new ArrayList<>();
        List<LearnerConfig> grid = new ArrayList<>();
        for (double r : new double[] {0.01, 0.05, 0.1, 0.2, 0.5, 1, 2}) {
            grid.add(LearnerConfig.defaults().toBuilder().headRate(r).build());
        }
        for (double r : new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1}) {
            grid.add(LearnerConfig.defaults().toBuilder().trunkRate(r).build());
            grid.add(LearnerConfig.defaults().toBuilder().trunkRate(r).meta(false).build());
        }
        for (LearnerConfig c : grid) {
            check("heterogeneous", run(h, c), c, bad);
            check("letters", run(l, c), c, bad);
            for (Generators.Name name : Generators.Name.values()) {
                check(name.cliName(), PrequentialRun.over(Generators.create(name,
                        GeneratorOptions.defaults().withTasks(20).withSeed(1)), events, c), c, bad);
            }
        }
        assertTrue(bad.isEmpty(), "not finite: " + bad);
    }

    private static void check(String stream, PrequentialRun run, LearnerConfig c, List<String> bad) {
        List<String> tasks = RealDataExperiment.nonFiniteTasks(run.metrics());
        String model = run.learner().nonFinite();
        if (!tasks.isEmpty() || model != null || !Double.isFinite(run.metrics().meanLoss())) {
            bad.add(stream + " " + c + ": tasks " + tasks + ", model " + model);
        }
    }
}
