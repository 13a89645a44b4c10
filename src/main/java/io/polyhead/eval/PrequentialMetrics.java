package io.polyhead.eval;

import io.polyhead.event.Rejection;
import io.polyhead.event.Prediction;
import io.polyhead.event.TaskType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prequential (test-then-train) evaluation of a stream, per task and overall (Dawid 1984; as in
 * River's {@code evaluate.progressive_val_score}): each prediction's loss was measured before the
 * model learned from that event. Keeps every labeled loss in order (4 bytes each) so that the loss
 * over any part of the stream, such as its second half, can be reported exactly.
 */
public final class PrequentialMetrics {
    private final Map<String, TaskMetrics> tasks = new LinkedHashMap<>();
    /** Rejection reasons kept as examples. */
    public static final int MAX_EXAMPLES = 5;

    private final Map<String, Long> rejections = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private float[] losses = new float[1024];
    private int lossCount;
    private long events;
    private long correct;
    private long classified;
    private long rejected;

    /** Records one prediction. */
    public void update(Prediction p) {
        events++;
        tasks.computeIfAbsent(p.task(), TaskMetrics::new).update(p);
        if (p.loss() == null) {
            return;
        }
        if (lossCount == losses.length) {
            losses = Arrays.copyOf(losses, losses.length * 2);
        }
        losses[lossCount++] = (float) p.loss().doubleValue();
        if (p.type() != TaskType.REGRESSION) {
            classified++;
            if (p.label() != null && p.prediction() == p.label()) {
                correct++;
            }
        }
    }

    /**
     * Records a rejected input: reports count rejections by field (without an index) and keep the first
     * few reasons as examples.
     */
    public void reject(Rejection rejection) {
        rejected++;
        rejections.merge(rejection.fieldName(), 1L, Long::sum);
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(rejection.message());
        }
    }

    /** The first rejection reasons, at most {@value #MAX_EXAMPLES}. */
    public List<String> rejectionExamples() {
        return Collections.unmodifiableList(examples);
    }

    /** Accepted events. */
    public long events() {
        return events;
    }

    /** Labeled events. */
    public long labeled() {
        return lossCount;
    }

    public long rejected() {
        return rejected;
    }

    /** Rejections by category (the reason's field). */
    public Map<String, Long> rejections() {
        return Collections.unmodifiableMap(rejections);
    }

    /** Mean loss over all labeled events. */
    public double meanLoss() {
        return meanLoss(0, lossCount);
    }

    /** Mean loss over the second half of the labeled events. */
    public double secondHalfLoss() {
        return meanLoss(lossCount / 2, lossCount);
    }

    /** Mean loss over labeled events {@code [from, to)} in stream order. */
    public double meanLoss(int from, int to) {
        if (to <= from) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += losses[i];
        }
        return sum / (to - from);
    }

    /** Accuracy over the classification events, NaN when there were none. */
    public double accuracy() {
        return classified == 0 ? Double.NaN : (double) correct / classified;
    }

    /** Per-task figures in order of first appearance. */
    public Collection<TaskMetrics> tasks() {
        return Collections.unmodifiableCollection(tasks.values());
    }

    /** One task's figures, or null. */
    public TaskMetrics task(String task) {
        return tasks.get(task);
    }

    /**
     * Mean over tasks that reached at least {@code window} labeled events of their mean loss over
     * the first {@code window} (10 or 20): how fast a new task learns. NaN when no task qualifies.
     */
    public double meanEarlyLoss(int window, int skipFirstTasks) {
        double sum = 0;
        int n = 0;
        int index = 0;
        for (TaskMetrics t : tasks.values()) {
            if (index++ < skipFirstTasks || !t.hasAtLeast(window)) {
                continue;
            }
            sum += window == TaskMetrics.EARLY_SHORT ? t.first10Loss() : t.first20Loss();
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
