package io.polyhead.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.model.ReplicaGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LearningWatchTest {
    private static final Pattern SERIES = Pattern.compile("^(polyhead_[a-z_]+)(\\{[^}]*})? .*$");
    private static final Pattern TASK = Pattern.compile("task=\"([^\"]*)\"");

    /** Events of {@code tasks} binary tasks, task i with i+1 events (so the busiest are the last). */
    private static List<Event> stream(int tasks, int maxEvents, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Event> events = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int n = 1 + (int) ((long) t * maxEvents / tasks);
            for (int i = 0; i < n; i++) {
                float[] x = {(float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1)};
                events.add(new Event("task-" + t, t + "-" + i, x, x[0] > 0 ? 1.0 : 0.0, TaskType.BINARY, null, 1L));
            }
        }
        return events;
    }

    private static LearningWatch watched(List<Event> events, PrometheusMeterRegistry registry, int top) {
        ReplicaGroup group = new ReplicaGroup();
        LearningWatch watch = new LearningWatch(group, top);
        if (registry != null) {
            watch.bindTo(registry);
        }
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(4).batchSize(64)
                .build(), group);
        List<Event> batch = new ArrayList<>();
        for (Event e : events) {
            assertNull(learner.admit(e));
            batch.add(e);
            if (batch.size() == 64) {
                watch.batch("0_0", batch, learner.learn(batch), learner, 1000);
                batch.clear();
            }
        }
        watch.batch("0_0", batch, learner.learn(batch), learner, 1000);
        watch.refresh();
        return watch;
    }

    @Test
    void fiveThousandTasksStayUnderAThousandSeriesWithTheBusiestLabelledAndTheRestSummed() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Event> events = stream(5000, 40, 7);
        LearningWatch watch = watched(events, registry, LearningWatch.DEFAULT_TOP_TASKS);
        assertEquals(5000, watch.tasks().size(), "the API keeps every task");

        Map<String, Set<String>> labelKeys = new HashMap<>();
        Set<String> taskLabels = new HashSet<>();
        int series = 0;
        double taskEvents = 0;
        for (String line : registry.scrape().split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (!m.matches()) {
                continue;
            }
            series++;
            String labels = m.group(2) == null ? "" : m.group(2);
            Set<String> keys = new HashSet<>();
            for (String kv : labels.replaceAll("[{}]", "").split(",")) {
                if (!kv.isBlank()) {
                    keys.add(kv.substring(0, kv.indexOf('=')));
                }
            }
            Set<String> before = labelKeys.putIfAbsent(m.group(1), keys);
            assertTrue(before == null || before.equals(keys), m.group(1) + " has label keys " + before + " and " + keys);
            Matcher t = TASK.matcher(labels);
            if (t.find()) {
                taskLabels.add(t.group(1));
                if (m.group(1).equals("polyhead_task_events_total")) {
                    taskEvents += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        assertTrue(series < 1000, "Polyhead's own series with 5,000 live tasks: " + series);
        assertEquals(LearningWatch.DEFAULT_TOP_TASKS + 1, taskLabels.size(), "the busiest 50 and _other: " + taskLabels);
        assertTrue(taskLabels.contains(LearningWatch.OTHER_TASKS));
        // tasks 4875 to 4999 tie with 40 events each; ties go by name
        assertTrue(taskLabels.contains("task-4875") && !taskLabels.contains("task-0"), "the busiest are labelled");
        assertEquals(events.size(), taskEvents, 0.0, "every event is counted once, under its task or _other");
    }

    @Test
    void theBusiestChangeAsTheStreamGoesOnAndAnEvictedTaskLeavesItsMeters() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LearningWatch watch = watched(stream(20, 20, 3), registry, 3);
        assertNotNull(registry.find("polyhead.task.loss").tag("task", "task-19").gauge());
        watch.evicted("task-19");
        assertNull(registry.find("polyhead.task.loss").tag("task", "task-19").gauge(), "an evicted task's meters go");
        watch.refresh();
        assertNotNull(registry.find("polyhead.task.loss").tag("task", "task-16").gauge(), "the next busiest takes its place");
        assertEquals(1.0, registry.find("polyhead.tasks.evicted").counter().count(), 0.0);
    }

    @Test
    void perTaskCountersNeverGoBackWhenTheBusiestChange() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ReplicaGroup group = new ReplicaGroup();
        LearningWatch watch = new LearningWatch(group, 1).bindTo(registry);
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(4).build(), group);
        double before = 0;
        for (int round = 0; round < 4; round++) {
            // Each round another task is the busiest: it takes the one label, the last one goes back to _other.
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 10 * (round + 1); i++) {
                events.add(new Event("task-" + round, null, new float[] {1, i}, 1.0, TaskType.BINARY, null, 1L));
            }
            events.add(new Event("quiet", null, new float[] {1, 2}, 1.0, TaskType.BINARY, null, 1L));
            events.forEach(e -> assertNull(learner.admit(e)));
            watch.batch("0_0", events, learner.learn(events), learner, 1000);
            watch.refresh();
            double other = registry.find("polyhead.task.events").tag("task", LearningWatch.OTHER_TASKS).counter().count();
            assertTrue(other >= before, "_other went from " + before + " to " + other);
            before = other;
        }
        double all = registry.find("polyhead.task.events").counters().stream().mapToDouble(c -> c.count()).sum();
        assertTrue(all <= 10 + 20 + 30 + 40 + 4, "each event counted at most once: " + all);
    }

    @Test
    void figuresAreTheSameAsEvaluatesAndNewTasksEarlyLossIsRecorded() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Event> events = stream(4, 200, 11);
        LearningWatch watch = watched(events, registry, 10);
        TaskView t = watch.task("task-3");
        assertEquals(151, t.events());
        assertEquals(151, t.labels());
        assertNotNull(t.first10Loss(), "the watch saw task-3 arrive");
        assertNotNull(t.recentAccuracy());
        assertTrue(t.recentLoss() < t.first10Loss(), "the task learned: " + t);
        ModelView model = watch.model();
        assertEquals(events.size(), model.trained());
        assertEquals(4, model.createdTasks());
        assertEquals(3, (long) registry.find("polyhead.new.task.loss").tag("window", "first10").summary().count(),
                "the first-10 loss once of every new task with 10 labels (task-0 has one event)");
        assertEquals(4, registry.find("polyhead.tasks.live").gauge().value(), 0.0);
        watch.replicaClosed("0_0");
        assertEquals(0, watch.tasks().size(), "a replica that leaves takes its tasks' figures");
    }

    @Test
    void aRestoredReplicaListsItsTasksAtOnceWithTheCountsTheModelKept() {
        ReplicaGroup group = new ReplicaGroup();
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(4).batchSize(64)
                .build(), group);
        List<Event> events = stream(3, 30, 9);
        for (Event e : events) {
            assertNull(learner.admit(e));
        }
        learner.learn(events);
        LearningWatch moved = new LearningWatch(group, 10); // the instance the partition moved to
        moved.restored("0_2", learner);
        assertEquals(3, moved.tasks().size());
        TaskView t = moved.task("task-2");
        assertEquals("0_2", t.replica());
        assertEquals(21, t.events(), "task-2 had 1 + 2 * 30 / 3 events");
        assertEquals(21, t.labels());
        assertEquals("binary", t.type());
        assertNull(t.loss(), "losses start again from the next label");
        assertNull(t.first10Loss(), "the task did not arrive here");
    }

    @Test
    void unboundTheWatchKeepsFiguresWithoutMeters() {
        LearningWatch watch = watched(stream(3, 30, 5), null, 10);
        assertEquals(3, watch.tasks().size());
        assertEquals(3, watch.model().createdTasks());
    }
}
