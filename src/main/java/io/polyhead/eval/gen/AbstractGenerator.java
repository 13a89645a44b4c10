package io.polyhead.eval.gen;

import io.polyhead.event.Event;
import io.polyhead.event.TaskType;
import java.util.SplittableRandom;

/** What every generator shares: the task schedule, event ids and timestamps, Gaussian draws. */
abstract class AbstractGenerator implements StreamGenerator {
    /** Timestamps start here (2025-11-29) and advance 1 ms per event, so runs are byte-identical. */
    static final long START_MS = 1764380000000L;

    /** Draws the events. */
    final SplittableRandom random;
    /** Draws the tasks' parameters, apart from the events so that they do not depend on the schedule. */
    final SplittableRandom params;
    final TaskSchedule schedule;
    private long index;

    private final String name;
    private final TaskType type;
    private final int inputDim;

    /** The generator's command-line name, and the kind and width every one of its events has. */
    AbstractGenerator(GeneratorOptions options, String name, TaskType type, int inputDim) {
        this.name = name;
        this.type = type;
        this.inputDim = inputDim;
        this.random = new SplittableRandom(options.seed());
        this.params = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + 1);
        this.schedule = new TaskSchedule(options);
    }

    @Override
    public final Event next() {
        long i = index++;
        int task = schedule.taskOf(i, random);
        float[] x = new float[inputDim];
        double label = draw(task, x);
        return new Event(schedule.id(task), String.format("evt-%07d", i), x, label, type, null, START_MS + i);
    }

    /** Fills the features of one event of {@code task} and returns its label. */
    abstract double draw(int task, float[] x);

    /** The kind of every task of this stream. */
    final TaskType type() {
        return type;
    }

    @Override
    public final int inputDim() {
        return inputDim;
    }

    @Override
    public final String name() {
        return name;
    }

    double gaussian() {
        return gaussian(random);
    }

    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
