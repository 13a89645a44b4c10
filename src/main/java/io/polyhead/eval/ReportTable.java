package io.polyhead.eval;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints an {@link EvaluationReport} as aligned text tables for a terminal. */
public final class ReportTable {
    private ReportTable() {
    }

    /**
     * Prints the per-task table (at most {@code maxTasks} rows; the rest summarised) and the overall
     * figures.
     */
    public static void print(EvaluationReport r, PrintStream out, int maxTasks) {
        out.printf(Locale.ROOT, "%-24s %-10s %8s %10s %9s %11s %11s %9s %9s%n", "task", "type", "events", "loss",
                "accuracy", "first10", "first20", "start", "headRate");
        List<EvaluationReport.TaskRow> rows = r.tasks();
        int shown = Math.min(rows.size(), maxTasks);
        for (int i = 0; i < shown; i++) {
            EvaluationReport.TaskRow t = rows.get(i);
            out.printf(Locale.ROOT, "%-24s %-10s %8d %10s %9s %11s %11s %9s %9s%n", cut(t.task(), 24), t.type(), t.events(),
                    num(t.loss()), pct(t.accuracy()), num(t.first10Loss()), num(t.first20Loss()),
                    t.start() == null ? "-" : t.start(), t.headRate() == null ? "-" : String.format(Locale.ROOT, "%.3g", t.headRate()));
        }
        if (shown < rows.size()) {
            out.printf(Locale.ROOT, "... %d more tasks (all of them are in --report)%n", rows.size() - shown);
        }
        EvaluationReport.Overall o = r.overall();
        out.println();
        out.printf(Locale.ROOT, "overall: %d events (%d labeled, %d rejected), %d tasks%n", o.events(), o.labeled(),
                o.rejected(), o.tasks());
        out.printf(Locale.ROOT, "  loss %s, second half %s, accuracy %s%n", num(o.loss()), num(o.secondHalfLoss()),
                pct(o.accuracy()));
        out.printf(Locale.ROOT, "  mean loss over each task's first 10 events %s, first 20 %s; first 10 of tasks after "
                        + "the first %d: %s%n", num(o.meanFirst10Loss()), num(o.meanFirst20Loss()),
                EvaluationReport.LATE_TASKS_AFTER, num(o.lateTasksFirst10Loss()));
        if (!r.rejections().isEmpty()) {
            out.println("  rejected by field: " + r.rejections());
            for (String example : r.rejectionExamples()) {
                out.println("    e.g. " + example);
            }
        }
        EvaluationReport.ModelInfo m = r.model();
        out.printf(Locale.ROOT, "model: %s, input %d, trunk %s (%d parameters), %d heads, %d steps, trunk rate %.3g, "
                        + "mean head rate %.3g%n", m.kind(), m.inputDim(), java.util.Arrays.toString(m.hidden()),
                m.trunkParameters(), m.heads(), m.modelVersion(), m.trunkRate(), m.meanHeadRate());
        if (m.skippedTrunkSteps() > 0 || m.headResets() > 0) {
            out.printf(Locale.ROOT, "guards: %d trunk steps skipped and %d heads restarted (their steps were not finite)%n",
                    m.skippedTrunkSteps(), m.headResets());
        }
        out.printf(Locale.ROOT, "throughput: %.0f events/s (%.2f s)%n", r.throughput().eventsPerSecond(),
                r.throughput().seconds());
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    static String num(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
