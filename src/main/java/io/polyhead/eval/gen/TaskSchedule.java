package io.polyhead.eval.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which task each event belongs to. With {@code newTaskEvery = 0} all tasks are active from the
 * start; otherwise the stream starts with {@code initialTasks} and one more becomes active every
 * {@code newTaskEvery} events until all are. Each event's task is drawn uniformly among the active
 * ones.
 */
final class TaskSchedule {
    private final int tasks;
    private final int newTaskEvery;
    private final int initialTasks;
    private final String[] ids;

    /** Tasks {@code task-000}, {@code task-001}, ... as the options say. */
    TaskSchedule(GeneratorOptions o) {
        this(numberedIds(o.tasks()), o.newTaskEvery(), o.initialTasks());
    }

    /**
     * These tasks, in the order they become active.
     *
     * @param ids          the tasks' ids, at least one
     * @param newTaskEvery 0 = all tasks from the start; N = one new task every N events
     * @param initialTasks 1 to {@code ids.size()}: tasks active at the start when
     *                     {@code newTaskEvery > 0} (with 0, all are)
     */
    TaskSchedule(List<String> ids, int newTaskEvery, int initialTasks) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a stream needs at least one task");
        }
        if (newTaskEvery < 0) {
            throw new IllegalArgumentException("--new-task-every must be 0 (all tasks at once) or positive. Got: "
                    + newTaskEvery);
        }
        if (initialTasks < 1 || initialTasks > ids.size()) {
            throw new IllegalArgumentException("--initial-tasks must be between 1 and the number of tasks ("
                    + ids.size() + "). Got: " + initialTasks);
        }
        this.tasks = ids.size();
        this.newTaskEvery = newTaskEvery;
        this.initialTasks = newTaskEvery == 0 ? tasks : initialTasks;
        this.ids = ids.toArray(new String[0]);
    }

    private static List<String> numberedIds(int tasks) {
        int width = Math.max(3, String.valueOf(tasks - 1).length());
        List<String> ids = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            ids.add("task-" + String.format("%0" + width + "d", t));
        }
        return ids;
    }

    /** Tasks active at event {@code index} (0-based). */
    int activeAt(long index) {
        if (newTaskEvery == 0) {
            return tasks;
        }
        return (int) Math.min(tasks, initialTasks + index / newTaskEvery);
    }

    /** The task of event {@code index}. */
    int taskOf(long index, SplittableRandom random) {
        int active = activeAt(index);
        // The newest task takes the first event after it appears, so it appears exactly on time.
        if (newTaskEvery > 0 && active > initialTasks && index == (long) (active - initialTasks) * newTaskEvery) {
            return active - 1;
        }
        return random.nextInt(active);
    }

    String id(int task) {
        return ids[task];
    }

    int tasks() {
        return tasks;
    }

    /** Tasks active from the first event. */
    int initialTasks() {
        return initialTasks;
    }

    /** Events between two new tasks, 0 when all are active from the start. */
    int newTaskEvery() {
        return newTaskEvery;
    }
}
