package io.polyhead.eval.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.TaskType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The synthetic streams: reproducible, on schedule, and drawing what their Javadoc says. */
class GeneratorsTest {
    private static final GeneratorOptions DEFAULTS = GeneratorOptions.defaults();

    private static List<String> jsonOf(StreamGenerator g, int n) {
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(EventJson.toJson(g.next()));
        }
        return lines;
    }

    private static int taskIndex(Event e) {
        return Integer.parseInt(e.task().substring("task-".length()));
    }

    private static double fractionOfOnes(StreamGenerator g, int n) {
        int ones = 0;
        for (int i = 0; i < n; i++) {
            double y = g.next().label();
            assertTrue(y == 0 || y == 1, "binary label " + y);
            ones += (int) y;
        }
        return ones / (double) n;
    }

    // ---- reproducibility ----

    @ParameterizedTest
    @EnumSource(Generators.Name.class)
    void sameSeedSameEventsDifferentSeedDifferentEvents(Generators.Name name) {
        GeneratorOptions o = DEFAULTS.withSeed(7);
        List<String> a = jsonOf(Generators.create(name, o), 500);
        assertEquals(a, jsonOf(Generators.create(name, o), 500));
        assertEquals(a, jsonOf(Generators.create(name.cliName(), o), 500));
        assertNotEquals(a, jsonOf(Generators.create(name, o.withSeed(8)), 500));
    }

    @ParameterizedTest
    @EnumSource(Generators.Name.class)
    void eventsCarryIdsTimestampsTypeAndTheDimension(Generators.Name name) {
        StreamGenerator g = Generators.create(name, DEFAULTS);
        assertEquals(name.cliName(), g.name());
        for (int i = 0; i < 50; i++) {
            Event e = g.next();
            assertEquals(String.format("evt-%07d", i), e.id());
            assertEquals(AbstractGenerator.START_MS + i, e.timestamp());
            assertEquals(g.inputDim(), e.dimension());
            assertTrue(e.labeled());
            assertTrue(e.type() == TaskType.REGRESSION || e.type() == TaskType.BINARY);
        }
    }

    @Test
    void unknownNameListsTheNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Generators.create("spiral", DEFAULTS));
        assertTrue(e.getMessage().contains("spiral") && e.getMessage().contains("hyperplane"), e.getMessage());
    }

    // ---- task schedule ----

    @Test
    void newTaskAppearsExactlyOnSchedule() {
        GeneratorOptions o = DEFAULTS.withTasks(5).withNewTaskEvery(100, 1);
        StreamGenerator g = Generators.create(Generators.Name.LOWRANK, o);
        Map<Integer, Integer> firstSeen = new HashMap<>();
        Set<Integer> seen = new HashSet<>();
        TaskSchedule schedule = new TaskSchedule(o);
        for (int i = 0; i < 1000; i++) {
            int t = taskIndex(g.next());
            firstSeen.putIfAbsent(t, i);
            seen.add(t);
            // never a task that is not yet active; by the end of each interval all active ones were drawn
            assertTrue(t < schedule.activeAt(i), "event " + i + " has task " + t);
            if (i < 500 && i % 100 == 99) {
                assertEquals(i / 100 + 1, seen.size(), "distinct tasks after event " + i);
            }
        }
        for (int t = 0; t < 5; t++) {
            assertEquals(t * 100, firstSeen.get(t), "first event of task " + t);
        }
        assertEquals(5, seen.size());
    }

    @Test
    void activeTasksGrowByOneEveryIntervalUpToAll() {
        TaskSchedule s = new TaskSchedule(DEFAULTS.withTasks(5).withNewTaskEvery(100, 1));
        assertEquals(1, s.activeAt(0));
        assertEquals(1, s.activeAt(99));
        assertEquals(2, s.activeAt(100));
        assertEquals(5, s.activeAt(400));
        assertEquals(5, s.activeAt(1_000_000));
        TaskSchedule all = new TaskSchedule(DEFAULTS.withTasks(5));
        assertEquals(5, all.activeAt(0));
        TaskSchedule twoFirst = new TaskSchedule(DEFAULTS.withTasks(5).withNewTaskEvery(10, 2));
        assertEquals(2, twoFirst.activeAt(0));
        assertEquals(3, twoFirst.activeAt(10));
    }

    @Test
    void taskIdsArePaddedToSortInOrder() {
        TaskSchedule s = new TaskSchedule(DEFAULTS.withTasks(1500));
        assertEquals("task-0000", s.id(0));
        assertEquals("task-1499", s.id(1499));
        assertEquals("task-000", new TaskSchedule(DEFAULTS.withTasks(3)).id(0));
    }

    // ---- sinusoid ----

    @Test
    void sinusoidLabelsFollowTheirTasksCurve() {
        SinusoidGenerator g = new SinusoidGenerator(DEFAULTS.withTasks(10));
        for (int t = 0; t < 10; t++) {
            assertTrue(g.amplitude(t) >= 0.1 && g.amplitude(t) < 5.0, "amplitude " + g.amplitude(t));
            assertTrue(g.phase(t) >= 0 && g.phase(t) < Math.PI, "phase " + g.phase(t));
        }
        for (int i = 0; i < 2000; i++) {
            Event e = g.next();
            int t = taskIndex(e);
            float x = e.feature(0);
            assertTrue(x >= -5 && x <= 5, "x " + x);
            assertEquals(g.amplitude(t) * Math.sin(x + g.phase(t)), e.label(), 0.0);
            assertEquals(TaskType.REGRESSION, e.type());
        }
    }

    @Test
    void sinusoidTasksDiffer() {
        SinusoidGenerator g = new SinusoidGenerator(DEFAULTS.withTasks(3));
        assertNotEquals(g.amplitude(0), g.amplitude(1));
        assertNotEquals(g.phase(1), g.phase(2));
    }

    // ---- lowrank ----

    @Test
    void lowrankBasisHasRankRowsOfTheDimension() {
        LowRankGenerator g = new LowRankGenerator(DEFAULTS.withDim(16).withRank(3));
        double[][] basis = g.basis();
        assertEquals(3, basis.length);
        for (double[] row : basis) {
            assertEquals(16, row.length);
        }
        assertEquals(3, g.coefficients(0).length);
        assertEquals(16, g.inputDim());
        basis[0][0] = 1e9;
        assertNotEquals(1e9, g.basis()[0][0], "basis() hands out a copy");
    }

    @Test
    void lowrankBinaryLabelsAreBalanced() {
        LowRankGenerator g = new LowRankGenerator(DEFAULTS.withKind(TaskType.BINARY));
        double ones = fractionOfOnes(g, 5000);
        assertTrue(ones > 0.3 && ones < 0.7, "fraction of ones " + ones);
    }

    @Test
    void lowrankRegressionLabelsAreTheTasksFunctionPlusNoise() {
        LowRankGenerator noiseless = new LowRankGenerator(DEFAULTS.withDim(8).withRank(2).withNoise(0));
        for (int i = 0; i < 500; i++) {
            Event e = noiseless.next();
            double[] c = noiseless.coefficients(taskIndex(e));
            double[][] u = noiseless.basis();
            double s = 0;
            for (int k = 0; k < 2; k++) {
                double z = 0;
                for (int j = 0; j < 8; j++) {
                    z += u[k][j] * e.feature(j);
                }
                s += c[k] * Math.tanh(z);
            }
            assertEquals(2 * s / Math.sqrt(2), e.label(), 1e-9);
        }
    }

    // ---- hyperplane ----

    @Test
    void hyperplaneWeightsDriftAndLabelsStayBalanced() {
        HyperplaneGenerator g = new HyperplaneGenerator(DEFAULTS.withTasks(4).withDrift(0.01));
        double[] before = g.weights(0);
        double ones = fractionOfOnes(g, 5000);
        double[] after = g.weights(0);
        assertTrue(ones > 0.3 && ones < 0.7, "fraction of ones " + ones);
        assertNotEquals(before[0], after[0]);
        assertNotEquals(before[1], after[1]);
        for (int j = HyperplaneGenerator.DRIFTING_FEATURES; j < before.length; j++) {
            assertEquals(before[j], after[j], "feature " + j + " does not drift");
        }
        assertEquals(10, g.inputDim());
    }

    @Test
    void hyperplaneWithoutDriftKeepsItsWeights() {
        HyperplaneGenerator g = new HyperplaneGenerator(DEFAULTS.withTasks(2).withDrift(0));
        double[] before = g.weights(1);
        fractionOfOnes(g, 500);
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(g.weights(1)));
    }

    // ---- unrelated ----

    @Test
    void unrelatedBinaryIsBalanced() {
        UnrelatedGenerator g = new UnrelatedGenerator(DEFAULTS.withKind(TaskType.BINARY));
        double ones = fractionOfOnes(g, 5000);
        assertTrue(ones > 0.4 && ones < 0.6, "fraction of ones " + ones);
    }

    @Test
    void unrelatedTasksHaveTheirOwnWeights() {
        UnrelatedGenerator g = new UnrelatedGenerator(DEFAULTS.withTasks(2).withDim(4));
        assertEquals(4, g.weights(0).length);
        assertFalse(java.util.Arrays.equals(g.weights(0), g.weights(1)));
    }

    // ---- option validation: every message names the bad value ----

    private static void assertRejected(Supplier<?> build, String... named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        for (String s : named) {
            assertTrue(e.getMessage().contains(s), "message should name " + s + ": " + e.getMessage());
        }
    }

    @Test
    void invalidOptionsAreRejectedNamingTheValue() {
        assertRejected(() -> DEFAULTS.withTasks(0), "--tasks", "Got: 0");
        assertRejected(() -> DEFAULTS.withTasks(-3), "--tasks", "Got: -3");
        assertRejected(() -> DEFAULTS.withTasks(5).withNewTaskEvery(100, 6), "--initial-tasks", "Got: 6", "5");
        assertRejected(() -> DEFAULTS.withNewTaskEvery(100, 0), "--initial-tasks", "Got: 0");
        assertRejected(() -> DEFAULTS.withNewTaskEvery(-1, 1), "--new-task-every", "Got: -1");
        assertRejected(() -> DEFAULTS.withDim(-2), "--dim", "Got: -2");
        assertRejected(() -> DEFAULTS.withKind(TaskType.MULTICLASS), "--kind", "multiclass");
    }

    @Test
    void invalidGeneratorSettingsAreRejectedNamingTheValue() {
        assertRejected(() -> new LowRankGenerator(DEFAULTS.withDim(5).withRank(6)), "--rank", "Got: 6", "5");
        assertRejected(() -> new LowRankGenerator(DEFAULTS.withRank(0)), "--rank", "Got: 0");
        assertRejected(() -> new HyperplaneGenerator(DEFAULTS.withDrift(-0.1)), "--drift", "Got: -0.1");
        assertRejected(() -> new HyperplaneGenerator(DEFAULTS.withDrift(Double.NaN)), "--drift", "NaN");
        assertRejected(() -> new HyperplaneGenerator(DEFAULTS.withNoise(1.5)), "--noise", "1.5");
        assertRejected(() -> new SinusoidGenerator(DEFAULTS.withDim(2)), "--dim 2");
    }
}
