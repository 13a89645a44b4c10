package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.event.TaskType;
import io.polyhead.optim.FixedRate;
import io.polyhead.optim.NormalizedRate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The learner's guards: bounded head steps, per-task scales, and no way to make the model non-finite. */
class LearnerGuardTest {

    @Test
    void aRegressionHeadNeverStepsPastItsTarget() {
        // NLMS at rate 2 would move the output by about 4x the error: the bound lands it on the target.
        Head head = new Head(TaskType.REGRESSION, 1, 3, null, new NormalizedRate(2));
        double[] x = {3, -4, 12};
        double[] z = new double[1];
        for (int step = 0; step < 50; step++) {
            head.outputs(x, 0, z);
            double error = 10 - z[0];
            assertTrue(head.learn(x, 0, new double[] {2 * error}));
            head.outputs(x, 0, z);
            assertTrue(Math.abs(10 - z[0]) <= Math.abs(error) + 1e-9, "step " + step + ": " + z[0]);
        }
        assertEquals(10, z[0], 1e-6);
    }

    @Test
    void aStepThatWouldMakeWeightsNonFiniteIsRefusedAndTheHeadStartsOver() {
        Head head = new Head(TaskType.BINARY, 1, 2, new double[] {0.5, -0.5, 0.1}, new FixedRate(1e308));
        assertFalse(head.learn(new double[] {1e10, 1e10}, 0, new double[] {1}));
        assertArrayEquals(new double[3], head.weights(), 0.0);
        Head regression = new Head(TaskType.REGRESSION, 1, 2, new double[] {0.5, -0.5, 0.1}, new FixedRate(1));
        assertFalse(regression.learn(new double[] {1, 1}, 0, new double[] {Double.NaN}));
        assertArrayEquals(new double[3], regression.weights(), 0.0);
    }

    @Test
    void labelsOnARawScaleArePredictedInTheirUnitsAndStartNearTheirMean() {
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().inputDim(4).build());
        SplittableRandom random = new SplittableRandom(3);
        double early = 0;
        int n = 0;
        for (int b = 0; b < 40; b++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian(),
                        (float) random.nextGaussian()};
                batch.add(Event.of("stations", x, 1000.0 + 50 * x[0] + 5 * random.nextGaussian()));
            }
            batch.forEach(learner::admit);
            for (Prediction p : learner.learn(batch)) {
                if (n >= 8 && n < 26) {
                    early += p.loss();
                }
                n++;
            }
        }
        // The labels' variance is about 2,525; after the first batch (8 events, all answered before any
        // label) the predictions stand near the labels' mean.
        assertTrue(early / 18 < 2 * 2525, "mean loss of events 3-20: " + early / 18);
        assertEquals(1000, learner.tasks().get("stations").target().mean(), 20);
    }

    @Test
    void oneTaskWithHugeLabelsCostsOnlyItself() {
        LearnerConfig config = LearnerConfig.defaults().toBuilder().inputDim(3).headRate(2).build();
        MultiTaskLearner learner = new MultiTaskLearner(config);
        SplittableRandom random = new SplittableRandom(5);
        for (int b = 0; b < 200; b++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()};
                boolean wild = i % 4 == 0;
                double y = wild ? Math.pow(10, 100 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1)
                        : x[0] - x[1];
                batch.add(Event.of(wild ? "wild" : "calm", x, y));
            }
            batch.forEach(learner::admit);
            for (Prediction p : learner.learn(batch)) {
                assertTrue(Double.isFinite(p.prediction()), p.toString());
            }
        }
        assertNull(learner.nonFinite());
        float[] probe = {1, 0, 0};
        Event e = Event.of("calm", probe, 1.0);
        learner.admit(e);
        assertEquals(1.0, learner.learn(List.of(e)).get(0).prediction(), 0.3);
        Event tooLarge = Event.of("wild", probe, 1e101);
        assertEquals("label", learner.admit(tooLarge).field());
    }

    @Test
    void aTaskWithFeaturesOfItsOwnScaleIsScaledByItsOwnStatistics() {
        Standardizer stream = new Standardizer(2, true);
        Standardizer same = new Standardizer(2, true);
        Standardizer other = new Standardizer(2, true);
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 5000; i++) {
            float[] x = {(float) random.nextGaussian(), (float) (3 + 2 * random.nextGaussian())};
            stream.update(x, 0);
            if (i % 10 == 0) {
                same.update(x, 0);
            }
        }
        for (int i = 0; i < 100; i++) {
            other.update(new float[] {(float) (150 + 30 * random.nextGaussian()), 0}, 0);
        }
        // Features from the stream's distribution share its scale; features on another scale take their own.
        assertEquals(0, Standardizer.ownWeight(same.effectSize(stream)), 0.0);
        assertEquals(1, Standardizer.ownWeight(other.effectSize(stream)), 0.0);
        double[] out = new double[2];
        other.transformRow(new float[] {180, 0}, 0, out, 0, stream);
        assertEquals(1.0, out[0], 0.3);
    }
    @Test
    void aNewRegressionTaskIsScaledLikeTheOthersBeforeItsFirstLabel() {
        TargetScale stream = new TargetScale();
        for (double y : new double[] {480, 500, 520, 510, 490}) {
            stream.update(y);
        }
        double[] scale = new double[2];
        new TargetScale().scale(stream, scale);
        assertEquals(500, scale[0], 1e-9);
        assertEquals(Math.sqrt(250), scale[1], 1e-9);
        // In the learner: after two tasks around 500, a new task's first prediction is near 500, not 0.
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().inputDim(2).build());
        SplittableRandom random = new SplittableRandom(11);
        for (int b = 0; b < 20; b++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(Event.of(i % 2 == 0 ? "a" : "b", new float[] {(float) random.nextGaussian(), 1}, 500 + 10 * random.nextGaussian()));
            }
            batch.forEach(learner::admit);
            learner.learn(batch);
        }
        Event first = Event.of("c", new float[] {0, 1}, 505.0);
        learner.admit(first);
        assertEquals(500, learner.learn(List.of(first)).get(0).prediction(), 50);
    }
}
