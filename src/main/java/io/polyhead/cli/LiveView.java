package io.polyhead.cli;

import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.TaskMetrics;
import io.polyhead.event.Prediction;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code demo} shows while it runs, computed from the prediction and dead-letter topics as any
 * consumer would see them: events per second, tasks, each task's prequential loss (its first events
 * and its recent ones), and dead letters. Not thread-safe: one consumer thread updates it, and reads
 * are snapshots under the same lock.
 */
final class LiveView {
    /** The recent loss is an exponential moving average over about the last 50 events of a task. */
    static final double RECENT_ALPHA = 0.02;

    private final PrequentialMetrics metrics = new PrequentialMetrics();
    private final Map<String, Double> recent = new HashMap<>();
    private final long startNanos = System.nanoTime();
    private long deadLetters;
    private long lastCount;
    private long lastNanos = System.nanoTime();
    private double rate;

    synchronized void prediction(Prediction p) {
        metrics.update(p);
        if (p.loss() != null) {
            recent.merge(p.task(), p.loss(), (old, l) -> old + RECENT_ALPHA * (l - old));
        }
    }

    synchronized void deadLetter() {
        deadLetters++;
    }

    synchronized long predictions() {
        return metrics.events();
    }

    synchronized long deadLetters() {
        return deadLetters;
    }

    /** Renders the view; {@code rows} task rows at most, newest tasks first. */
    synchronized String render(int rows, long produced) {
        long now = System.nanoTime();
        long count = metrics.events();
        if (now - lastNanos > 500_000_000L) {
            rate = (count - lastCount) / ((now - lastNanos) / 1e9);
            lastCount = count;
            lastNanos = now;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "polyhead demo  %5.0fs   produced %d   predictions %d (%.0f/s)   tasks %d   "
                        + "dead letters %d%n", (now - startNanos) / 1e9, produced, count, rate, metrics.tasks().size(),
                deadLetters));
        sb.append(String.format(Locale.ROOT, "loss: all %s, last half %s; a new task's first 10 events %s%n%n",
                num(metrics.meanLoss()), num(metrics.secondHalfLoss()),
                num(metrics.meanEarlyLoss(TaskMetrics.EARLY_SHORT, 0))));
        sb.append(String.format(Locale.ROOT, "%-20s %-10s %8s %12s %12s  %s%n", "task", "type", "events", "first 10",
                "recent", "learning"));
        List<TaskMetrics> tasks = new ArrayList<>(metrics.tasks());
        tasks.sort(Comparator.comparingLong(TaskMetrics::events));
        for (TaskMetrics t : tasks.subList(0, Math.min(rows, tasks.size()))) {
            double first = t.first10Loss();
            double now10 = recent.getOrDefault(t.task(), Double.NaN);
            sb.append(String.format(Locale.ROOT, "%-20s %-10s %8d %12.4f %12.4f  %s%n", t.task(),
                    t.type() == null ? "-" : t.type().jsonName(), t.events(), first, now10, bar(first, now10)));
        }
        if (tasks.size() > rows) {
            sb.append(String.format(Locale.ROOT, "... and %d more tasks%n", tasks.size() - rows));
        }
        return sb.toString();
    }

    /** A loss for the view: "-" until there is one. */
    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** How far a task's recent loss has come down from its first events' loss, as a bar. */
    private static String bar(double first, double recent) {
        if (!(first > 0) || Double.isNaN(recent)) {
            return "";
        }
        double improvement = Math.max(0, Math.min(1, 1 - recent / first));
        int n = (int) Math.round(improvement * 20);
        return "#".repeat(n) + ".".repeat(20 - n) + String.format(Locale.ROOT, " %3.0f%%", improvement * 100);
    }

    /** The summary printed at the end. */
    synchronized void summary(PrintStream out, long produced, double seconds) {
        out.printf(Locale.ROOT, "%nsummary: %d events produced, %d predictions, %d dead letters, %d tasks in %.1f s%n",
                produced, metrics.events(), deadLetters, metrics.tasks().size(), seconds);
        out.printf(Locale.ROOT, "prequential loss: all %.4f, first half %.4f, second half %.4f%n", metrics.meanLoss(),
                metrics.meanLoss(0, (int) metrics.labeled() / 2), metrics.secondHalfLoss());
        out.printf(Locale.ROOT, "mean loss over each task's first 10 events %.4f, first 20 %.4f%n",
                metrics.meanEarlyLoss(TaskMetrics.EARLY_SHORT, 0), metrics.meanEarlyLoss(TaskMetrics.EARLY_LONG, 0));
        long missing = produced - metrics.events() - deadLetters;
        if (missing > 0) {
            // Not lost: committed offsets keep them, and the next run (it resumes from data/) predicts them.
            out.printf(Locale.ROOT, "%d events were still in flight when the demo stopped (produced, not yet predicted); "
                    + "they stay in polyhead.events, and the next demo predicts them%n", missing);
        }
    }
}
