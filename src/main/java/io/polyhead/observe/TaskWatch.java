package io.polyhead.observe;

import io.polyhead.eval.TaskMetrics;
import io.polyhead.event.Prediction;
import io.polyhead.event.TaskType;

/**
 * What the watch knows of one task: its prequential figures ({@link TaskMetrics}, the same as
 * {@code evaluate} reports), its loss over the last {@value #RECENT} labels, the head's rate in force
 * and the start it took. Not thread-safe: {@link LearningWatch} guards it.
 */
final class TaskWatch {
    /** Labels in the recent window. */
    static final int RECENT = 100;

    final TaskMetrics metrics;
    private final float[] recent = new float[RECENT];
    private final boolean[] recentCorrect = new boolean[RECENT];
    private int recentCount;
    private int recentNext;
    private double recentSum;
    private int recentRight;
    String replica;
    /** Whether the watch saw the task's first event (so its early losses are a new task's). */
    boolean arrivedHere;
    double headRate = Double.NaN;
    String start;
    long lastSeenMs;
    /** What the model knew of the task when its replica was restored here (a restart, a move). */
    long restoredEvents;
    long restoredLabels;
    TaskType restoredType;

    TaskWatch(String task) {
        this.metrics = new TaskMetrics(task);
    }

    void update(Prediction p, long nowMs) {
        metrics.update(p);
        lastSeenMs = nowMs;
        if (p.newTask()) {
            arrivedHere = true;
        }
        if (p.loss() == null) {
            return;
        }
        boolean right = p.type() != TaskType.REGRESSION && p.label() != null && p.prediction() == p.label();
        if (recentCount == RECENT) {
            recentSum -= recent[recentNext];
            recentRight -= recentCorrect[recentNext] ? 1 : 0;
        } else {
            recentCount++;
        }
        recent[recentNext] = (float) p.loss().doubleValue();
        recentCorrect[recentNext] = right;
        recentSum += recent[recentNext];
        recentRight += right ? 1 : 0;
        recentNext = (recentNext + 1) % RECENT;
    }

    /** Mean loss of the last {@value #RECENT} labels (fewer at first); NaN before the first. */
    double recentLoss() {
        return recentCount == 0 ? Double.NaN : recentSum / recentCount;
    }

    /** Accuracy over the last {@value #RECENT} labels; NaN for regression and before the first. */
    double recentAccuracy() {
        return recentCount == 0 || metrics.type() == TaskType.REGRESSION ? Double.NaN : (double) recentRight / recentCount;
    }

    /** Events of the task: those the restored model had counted, and those predicted here since. */
    long events() {
        return restoredEvents + metrics.events();
    }

    long labels() {
        return restoredLabels + metrics.labeled();
    }

    double recentSum() {
        return recentSum;
    }

    int recentCount() {
        return recentCount;
    }

    TaskView view() {
        TaskType type = metrics.type() != null ? metrics.type() : restoredType;
        return new TaskView(metrics.task(), replica, type == null ? null : type.jsonName(), events(), labels(), TaskView.finite(recentLoss()), TaskView.finite(metrics.meanLoss()),
                TaskView.finite(metrics.accuracy()), TaskView.finite(recentAccuracy()),
                arrivedHere && metrics.hasAtLeast(1) ? TaskView.finite(metrics.first10Loss()) : null,
                arrivedHere && metrics.hasAtLeast(1) ? TaskView.finite(metrics.first20Loss()) : null,
                TaskView.finite(headRate), start, lastSeenMs);
    }
}
