package io.polyhead.eval.gen;

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

    TaskSchedule(GeneratorOptions o) {
        this.tasks = o.tasks();
        this.newTaskEvery = o.newTaskEvery();
        this.initialTasks = o.newTaskEvery() == 0 ? o.tasks() : o.initialTasks();
        int width = Math.max(3, String.valueOf(tasks - 1).length());
        this.ids = new String[tasks];
        for (int t = 0; t < tasks; t++) {
            ids[t] = "task-" + String.format("%0" + width + "d", t);
        }
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
}
