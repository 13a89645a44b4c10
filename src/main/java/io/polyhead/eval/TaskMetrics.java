package io.polyhead.eval;

import io.polyhead.event.Prediction;
import io.polyhead.event.TaskType;

/**
 * Prequential figures of one task: every loss here was measured on an event before the model
 * learned from it.
 */
public final class TaskMetrics {
    /** The early windows reported per task: loss over a task's first 10 and first 20 labeled events. */
    public static final int EARLY_SHORT = 10;
    public static final int EARLY_LONG = 20;

    private final String task;
    private TaskType type;
    private long events;
    private long labeled;
    private double lossSum;
    private long correct;
    private double first10Sum;
    private double first20Sum;

    /** Figures of the task {@code task}, before its first prediction. */
    public TaskMetrics(String task) {
        this.task = task;
    }

    /** Records one prediction of this task. */
    public void update(Prediction p) {
        type = p.type();
        events++;
        if (p.loss() == null) {
            return;
        }
        double loss = p.loss();
        labeled++;
        lossSum += loss;
        if (labeled <= EARLY_SHORT) {
            first10Sum += loss;
        }
        if (labeled <= EARLY_LONG) {
            first20Sum += loss;
        }
        if (type != TaskType.REGRESSION && p.label() != null && p.prediction() == p.label()) {
            correct++;
        }
    }

    public String task() {
        return task;
    }

    /** Head kind, null before the first prediction. */
    public TaskType type() {
        return type;
    }

    public long events() {
        return events;
    }

    public long labeled() {
        return labeled;
    }

    /** Mean prequential loss (squared error for regression, log loss or cross-entropy otherwise). */
    public double meanLoss() {
        return labeled == 0 ? Double.NaN : lossSum / labeled;
    }

    /** Accuracy for classification tasks, NaN for regression. */
    public double accuracy() {
        return type == TaskType.REGRESSION || labeled == 0 ? Double.NaN : (double) correct / labeled;
    }

    /** Mean loss over the first 10 labeled events (fewer if the task had fewer). */
    public double first10Loss() {
        return labeled == 0 ? Double.NaN : first10Sum / Math.min(labeled, EARLY_SHORT);
    }

    /** Mean loss over the first 20 labeled events (fewer if the task had fewer). */
    public double first20Loss() {
        return labeled == 0 ? Double.NaN : first20Sum / Math.min(labeled, EARLY_LONG);
    }

    /** Whether the task had at least {@code n} labeled events, so its early window is complete. */
    public boolean hasAtLeast(int n) {
        return labeled >= n;
    }
}
