package io.polyhead.cli;

import picocli.CommandLine.Option;

/**
 * The options every stream generator shares: its seed and when its tasks appear. A mixin of
 * {@link GeneratorMixin} (synthetic streams) and {@link GenerateTableCommand} (streams from tables).
 */
public final class ScheduleOptions {

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--new-task-every", paramLabel = "N", defaultValue = "0",
            description = "0 (default): all tasks from the start. N: start with --initial-tasks and add one every N events.")
    int newTaskEvery;

    @Option(names = "--initial-tasks", paramLabel = "K", defaultValue = "1",
            description = "Tasks active at the start when tasks appear over time (default ${DEFAULT-VALUE}).")
    int initialTasks;
}
