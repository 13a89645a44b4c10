package io.polyhead.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.polyhead.event.TaskType;
import io.polyhead.meta.NewTaskStart;
import io.polyhead.model.TaskHead;
import io.polyhead.model.MultiTaskLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The figures of one prequential run, as printed by {@code polyhead evaluate} and written by its
 * {@code --report}. Values that do not apply (accuracy of a regression task, loss of a task with no
 * labels) are null.
 *
 * @param source     what was evaluated (a file name, or a generator description)
 * @param config     the learner configuration in words
 * @param overall    stream-wide figures
 * @param model      the model at the end
 * @param throughput wall-clock time and rate, parsing included
 * @param rejections rejected inputs by field
 * @param rejectionExamples the first few rejection reasons
 * @param tasks      per-task figures in order of first appearance
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationReport(String source, String config, Overall overall, ModelInfo model,
                               Throughput throughput, Map<String, Long> rejections, List<String> rejectionExamples,
                               List<TaskRow> tasks) {

    /** Stream-wide figures. Losses are means of per-event prequential losses. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Overall(long events, long labeled, long rejected, int tasks, Double loss, Double secondHalfLoss,
                          Double accuracy, Double meanFirst10Loss, Double meanFirst20Loss,
                          Double lateTasksFirst10Loss) {
    }

    /**
     * {@code lateTasksFirst10Loss} averages the first-10 loss of tasks after the first this many: tasks
     * that appear once the model (and its priors) have learned from others.
     */
    public static final int LATE_TASKS_AFTER = 10;

    /**
     * The model at the end of the run. {@code skippedTrunkSteps} and {@code headResets} count what the
     * learner's guards refused (non-finite steps); {@code nonFinite} names what in the model is not
     * finite, null when all is (as the guards keep it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelInfo(String kind, int inputDim, int[] hidden, long trunkParameters, int heads,
                            long modelVersion, double trunkRate, double meanHeadRate, long skippedTrunkSteps,
                            long headResets, String nonFinite) {
    }

    /** Wall-clock figures. */
    public record Throughput(double seconds, double eventsPerSecond) {
    }

    /** One task's figures. {@code mse} equals {@code loss} for regression tasks. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskRow(String task, String type, long events, long labeled, Double loss, Double accuracy,
                          Double mse, Double first10Loss, Double first20Loss, Double headRate,
                          Double trunkWeight, String start) {
    }

    /** Builds the report from a finished run. */
    public static EvaluationReport of(String source, PrequentialRun run, double seconds) {
        PrequentialMetrics m = run.metrics();
        MultiTaskLearner learner = run.learner();
        List<TaskRow> rows = new ArrayList<>();
        double rateSum = 0;
        for (TaskMetrics t : m.tasks()) {
            TaskHead head = learner.heads().get(t.task());
            Double rate = head == null ? null : head.trunkHead().meanRate();
            Double trust = head == null || !head.blended() ? null : head.trunkWeight();
            rows.add(new TaskRow(t.task(), t.type() == null ? null : t.type().jsonName(), t.events(), t.labeled(),
                    finite(t.meanLoss()), finite(t.accuracy()),
                    t.type() == TaskType.REGRESSION ? finite(t.meanLoss()) : null,
                    finite(t.first10Loss()), finite(t.first20Loss()), rate, trust,
                    head == null || head.startCandidate() < 0 ? null : NewTaskStart.nameOf(head.startCandidate())));
        }
        for (TaskHead h : learner.heads().values()) {
            rateSum += h.trunkHead().meanRate();
        }
        Overall overall = new Overall(m.events(), m.labeled(), m.rejected(), m.tasks().size(), finite(m.meanLoss()),
                finite(m.secondHalfLoss()), finite(m.accuracy()),
                finite(m.meanEarlyLoss(TaskMetrics.EARLY_SHORT, 0)), finite(m.meanEarlyLoss(TaskMetrics.EARLY_LONG, 0)),
                finite(m.meanEarlyLoss(TaskMetrics.EARLY_SHORT, LATE_TASKS_AFTER)));
        ModelInfo model = new ModelInfo(learner.config().model().cliName(), learner.inputDim(),
                learner.config().effectiveHidden(),
                learner.trunk() == null ? 0 : learner.trunk().parameterCount(), learner.heads().size(),
                learner.modelVersion(), learner.trunkOptimizer() == null ? 0 : learner.trunkOptimizer().learningRate(),
                learner.heads().isEmpty() ? 0 : rateSum / learner.heads().size(), learner.skippedTrunkSteps(),
                learner.headResets(), learner.nonFinite());
        Throughput throughput = new Throughput(seconds, seconds > 0 ? (m.events() + m.rejected()) / seconds : 0);
        return new EvaluationReport(source, learner.config().toString(), overall, model, throughput, m.rejections(),
                m.rejectionExamples(), rows);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Pretty-printed JSON. */
    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    /** A report read back from JSON (used by tests and tools comparing runs). */
    public static EvaluationReport fromJson(String json) {
        try {
            return new ObjectMapper().readValue(json, EvaluationReport.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("not an evaluation report: " + e.getMessage(), e);
        }
    }
}
