package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.event.Rejection;
import io.polyhead.event.TaskType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiTaskLearnerTest {

    /** A small mixed stream: binary, regression and 3-class tasks on 5 features. */
    static List<Event> stream(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = r.nextInt(6);
            float[] x = new float[5];
            for (int j = 0; j < 5; j++) {
                x[j] = (float) r.nextDouble(-1, 1);
            }
            double s = x[0] - 0.5 * x[1] + (t % 2 == 0 ? x[2] : -x[2]);
            TaskType type = t < 2 ? TaskType.BINARY : t < 4 ? TaskType.REGRESSION : TaskType.MULTICLASS;
            Double label = switch (type) {
                case BINARY -> s > 0 ? 1.0 : 0.0;
                case REGRESSION -> 3 * s + 1;
                case MULTICLASS -> s < -0.5 ? 0.0 : s < 0.5 ? 1.0 : 2.0;
            };
            if (i % 10 == 9) {
                label = null; // some predict-only events
            }
            events.add(new Event("t" + t, "e" + i, x, label, type, type == TaskType.MULTICLASS ? 3 : null, null));
        }
        return events;
    }

    static List<Prediction> run(MultiTaskLearner learner, List<Event> events) {
        List<Prediction> out = new ArrayList<>();
        List<Event> batch = new ArrayList<>();
        for (Event e : events) {
            assertNull(learner.admit(e));
            batch.add(e);
            if (batch.size() == learner.config().batchSize()) {
                out.addAll(learner.learn(batch));
                batch.clear();
            }
        }
        out.addAll(learner.learn(batch));
        return out;
    }

    private static LearnerConfig small(int batch) {
        return LearnerConfig.defaults().toBuilder().hidden(16, 8).batchSize(batch).build();
    }

    @Test
    void snapshotRoundTripPredictsAndLearnsExactlyAsTheOriginal() throws Exception {
        List<Event> events = stream(900, 1);
        MultiTaskLearner original = new MultiTaskLearner(small(16));
        run(original, events.subList(0, 600));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LearnerSnapshot.write(original, bytes);
        MultiTaskLearner loaded = LearnerSnapshot.read(new ByteArrayInputStream(bytes.toByteArray()));

        assertEquals(original.modelVersion(), loaded.modelVersion());
        assertEquals(original.tasks().keySet(), loaded.tasks().keySet());
        List<Prediction> a = run(original, events.subList(600, 900));
        List<Prediction> b = run(loaded, events.subList(600, 900));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).score(), b.get(i).score(), 0.0, "prediction " + i);
            assertEquals(a.get(i).taskEvents(), b.get(i).taskEvents());
        }
    }

    @Test
    void snapshotSavesToAFileAtomically(@TempDir Path dir) throws Exception {
        MultiTaskLearner learner = new MultiTaskLearner(small(8));
        run(learner, stream(100, 2));
        Path file = dir.resolve("model.snap");
        LearnerSnapshot.save(learner, file);
        MultiTaskLearner loaded = LearnerSnapshot.load(file);
        assertArrayEquals(learner.trunk().params(), loaded.trunk().params());
    }

    @Test
    void sameSeedSameResultsOtherSeedOtherResults() {
        List<Event> events = stream(400, 3);
        List<Prediction> a = run(new MultiTaskLearner(small(8)), events);
        List<Prediction> b = run(new MultiTaskLearner(small(8)), events);
        List<Prediction> c = run(new MultiTaskLearner(small(8).toBuilder().seed(7).build()), events);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).score(), b.get(i).score(), 0.0);
        }
        assertNotEquals(a.get(399).score(), c.get(399).score());
    }

    @Test
    void learningNeverMutatesTheInputEvent() {
        List<Event> events = stream(200, 4);
        List<float[]> before = new ArrayList<>();
        for (Event e : events) {
            before.add(e.features());
        }
        run(new MultiTaskLearner(small(32)), events);
        for (int i = 0; i < events.size(); i++) {
            assertArrayEquals(before.get(i), events.get(i).features());
        }
    }

    @Test
    void eachPredictionOfABatchComesFromHeadsThatLearnedTheLabelsBeforeIt() {
        MultiTaskLearner learner = new MultiTaskLearner(small(4));
        run(learner, stream(64, 5));
        float[] x = {0.3f, -0.2f, 0.9f, 0.1f, -0.4f};
        // Unlabeled: nothing to learn within the batch, so the three answers are one.
        List<Event> unlabeled = List.of(Event.of("t2", x, null), Event.of("t2", x, null), Event.of("t2", x, null));
        unlabeled.forEach(learner::admit);
        List<Prediction> u = learner.learn(unlabeled);
        assertEquals(u.get(0).score(), u.get(1).score(), 0.0);
        assertEquals(u.get(0).score(), u.get(2).score(), 0.0);
        // Labeled (t2 is a regression task): each answer has learned the labels before it in the batch.
        List<Event> batch = List.of(Event.of("t2", x, 5.0), Event.of("t2", x, 5.0), Event.of("t2", x, 5.0));
        batch.forEach(learner::admit);
        List<Prediction> p = learner.learn(batch);
        assertTrue(Math.abs(5.0 - p.get(1).score()) < Math.abs(5.0 - p.get(0).score()), p.toString());
        assertTrue(Math.abs(5.0 - p.get(2).score()) < Math.abs(5.0 - p.get(1).score()), p.toString());
        // ...and the trunk's step changed the model: the same input now gets another answer again.
        Event again = Event.of("t2", x, 5.0);
        learner.admit(again);
        assertNotEquals(p.get(2).score(), learner.learn(List.of(again)).get(0).score());
    }

    @Test
    void batchSizeOneLearns() {
        MultiTaskLearner learner = new MultiTaskLearner(small(1));
        List<Prediction> p = run(learner, stream(3000, 6));
        double early = meanLoss(p.subList(0, 300), TaskType.REGRESSION);
        double late = meanLoss(p.subList(2700, 3000), TaskType.REGRESSION);
        assertTrue(late < early / 3, "regression loss early " + early + ", late " + late);
        assertEquals(2700, learner.modelVersion());
    }

    @Test
    void everyHeadKindLearnsItsTasks() {
        MultiTaskLearner learner = new MultiTaskLearner(small(16));
        List<Prediction> p = run(learner, stream(6000, 8));
        List<Prediction> late = p.subList(4000, 6000);
        assertTrue(accuracy(late, TaskType.BINARY) > 0.9, "binary accuracy " + accuracy(late, TaskType.BINARY));
        assertTrue(accuracy(late, TaskType.MULTICLASS) > 0.8, "multiclass accuracy " + accuracy(late, TaskType.MULTICLASS));
        for (Prediction q : late) {
            if (q.type() == TaskType.MULTICLASS) {
                float sum = 0;
                for (float v : q.probabilities()) {
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-4);
            }
        }
    }

    @Test
    void newTaskIsFlaggedOnceAndCountsItsEvents() {
        MultiTaskLearner learner = new MultiTaskLearner(small(4));
        List<Prediction> p = run(learner, stream(40, 9));
        long newTasks = p.stream().filter(Prediction::newTask).count();
        assertEquals(learner.tasks().size(), newTasks);
        Prediction last = p.get(p.size() - 1);
        assertEquals(learner.tasks().get(last.task()).events(), last.taskEvents());
        assertFalse(p.get(0).trained() && p.get(0).loss() == null);
    }

    @Test
    void admitRejectsWhatTheLearnerCannotLearnAndNamesTheValue() {
        MultiTaskLearner learner = new MultiTaskLearner(small(4));
        float[] x = new float[5];
        assertNull(learner.admit(new Event("b", null, x, 1.0, TaskType.BINARY, null, null)));
        assertEquals(new Rejection("type", "task b is binary, this event says regression (a task's kind is fixed by its"
                + " first event)"), learner.admit(new Event("b", null, x, 1.0, TaskType.REGRESSION, null, null)));
        assertEquals("label: a binary task's label must be 0 or 1. Got: 2.0",
                learner.admit(new Event("b", null, x, 2.0, null, null, null)).message());
        assertTrue(learner.admit(new Event("m", null, x, 3.0, TaskType.MULTICLASS, 3, null)).reason().contains("Got: 3.0"));
        assertEquals("classes", learner.admit(new Event("m2", null, x, 0.0, TaskType.MULTICLASS, null, null)).field());
        Rejection dim = learner.admit(Event.of("b", new float[4], 1.0));
        assertEquals("features", dim.field());
        assertTrue(dim.reason().contains("input dimension is 5"), dim.reason());
        // The task limit is the learner's rule too: a new task beyond it is rejected, known tasks go on.
        learner.limitTasks(1);
        assertEquals("task", learner.admit(new Event("c", null, x, 1.0, TaskType.BINARY, null, null)).field());
        assertNull(learner.admit(new Event("b", null, x, 0.0, null, null, null)));
        assertThrows(IllegalArgumentException.class, () -> learner.learn(List.of(Event.of("never", x, 1.0))));
    }

    @Test
    void baselinesRun() {
        for (ModelKind kind : ModelKind.values()) {
            MultiTaskLearner learner = new MultiTaskLearner(small(8).toBuilder().model(kind).build());
            List<Prediction> p = run(learner, stream(500, 10));
            assertEquals(500, p.size());
            int expectedHeads = kind == ModelKind.POOLED ? 3 : 6;
            assertEquals(expectedHeads, learner.heads().size(), kind.toString());
            if (kind == ModelKind.INDEPENDENT) {
                assertEquals(0, learner.trunk().parameterCount());
            }
        }
    }

    private static double meanLoss(List<Prediction> p, TaskType type) {
        return p.stream().filter(q -> q.type() == type && q.loss() != null).mapToDouble(Prediction::loss)
                .average().orElseThrow();
    }

    private static double accuracy(List<Prediction> p, TaskType type) {
        return p.stream().filter(q -> q.type() == type && q.label() != null)
                .mapToDouble(q -> q.prediction() == q.label() ? 1 : 0).average().orElseThrow();
    }

    /** A group's optimiser learns how many of the shared model's steps other processes took since its last one. */
    @Test
    void groupCountsTheModelsStepsSinceItsOptimiserLastStepped() {
        ReplicaGroup group = new ReplicaGroup("g");
        assertEquals(1, group.elapsed(40), "the first step here: nothing known before it");
        assertEquals(1, group.elapsed(41), "the next step of the model is this optimiser's");
        assertEquals(4, group.elapsed(45), "three steps of other processes arrived in between");
        assertEquals(1, group.elapsed(45), "a version that did not move counts as one step");
    }
}
