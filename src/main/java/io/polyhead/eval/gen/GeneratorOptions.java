package io.polyhead.eval.gen;

import io.polyhead.event.TaskType;

/**
 * Parameters of a synthetic stream. Each generator reads the ones it uses; {@link #defaults()} gives
 * the command line's defaults.
 *
 * @param tasks         number of tasks in all, at least 1
 * @param seed          seeds every random choice: same seed, same stream
 * @param newTaskEvery  0 = all tasks from the start; N = one new task every N events
 * @param initialTasks  tasks active at the start when new tasks appear over time
 * @param dim           input dimension (0 = the generator's default)
 * @param rank          lowrank: rank of the shared subspace
 * @param kind          regression or binary, where the generator offers both
 * @param noise         label noise: a standard deviation for regression, a flip probability for
 *                      hyperplane; negative = the generator's default
 * @param drift         hyperplane: how far drifting weights move per event of their task
 */
public record GeneratorOptions(int tasks, long seed, int newTaskEvery, int initialTasks, int dim, int rank,
                               TaskType kind, double noise, double drift) {

    public GeneratorOptions {
        if (tasks < 1) {
            throw new IllegalArgumentException("--tasks must be at least 1. Got: " + tasks);
        }
        if (newTaskEvery < 0) {
            throw new IllegalArgumentException("--new-task-every must be 0 (all tasks at once) or positive. Got: "
                    + newTaskEvery);
        }
        if (initialTasks < 1 || initialTasks > tasks) {
            throw new IllegalArgumentException("--initial-tasks must be between 1 and --tasks (" + tasks + "). Got: "
                    + initialTasks);
        }
        if (dim < 0) {
            throw new IllegalArgumentException("--dim must be positive. Got: " + dim);
        }
        if (kind == TaskType.MULTICLASS) {
            throw new IllegalArgumentException("--kind must be regression or binary. Got: multiclass");
        }
    }

    /** 20 tasks, seed 42, all tasks from the start, the generators' own defaults for the rest. */
    public static GeneratorOptions defaults() {
        return new GeneratorOptions(20, 42, 0, 1, 0, 4, TaskType.REGRESSION, -1, 0.001);
    }

    public GeneratorOptions withTasks(int v) {
        return new GeneratorOptions(v, seed, newTaskEvery, Math.min(initialTasks, v), dim, rank, kind, noise, drift);
    }

    public GeneratorOptions withSeed(long v) {
        return new GeneratorOptions(tasks, v, newTaskEvery, initialTasks, dim, rank, kind, noise, drift);
    }

    public GeneratorOptions withNewTaskEvery(int every, int initial) {
        return new GeneratorOptions(tasks, seed, every, initial, dim, rank, kind, noise, drift);
    }

    public GeneratorOptions withDim(int v) {
        return new GeneratorOptions(tasks, seed, newTaskEvery, initialTasks, v, rank, kind, noise, drift);
    }

    public GeneratorOptions withRank(int v) {
        return new GeneratorOptions(tasks, seed, newTaskEvery, initialTasks, dim, v, kind, noise, drift);
    }

    public GeneratorOptions withKind(TaskType v) {
        return new GeneratorOptions(tasks, seed, newTaskEvery, initialTasks, dim, rank, v, noise, drift);
    }

    public GeneratorOptions withNoise(double v) {
        return new GeneratorOptions(tasks, seed, newTaskEvery, initialTasks, dim, rank, kind, v, drift);
    }

    public GeneratorOptions withDrift(double v) {
        return new GeneratorOptions(tasks, seed, newTaskEvery, initialTasks, dim, rank, kind, noise, v);
    }

    int dimOr(int fallback) {
        return dim == 0 ? fallback : dim;
    }

    double noiseOr(double fallback) {
        return noise < 0 ? fallback : noise;
    }
}
