package io.polyhead.observe;

/**
 * One task's figures as the HTTP API serves them ({@code /api/tasks}). Every loss is prequential: measured
 * on an event before the model learned from it. Figures that do not exist yet (no label, a regression
 * task's accuracy) are null.
 *
 * @param task           the task id
 * @param replica        the stream task (partition) that owns it on this instance
 * @param type           head kind: regression, binary or multiclass
 * @param events         events predicted since this instance owns the task
 * @param labels         labeled events among them
 * @param recentLoss     mean loss over the last 100 labels
 * @param loss           mean loss over all labels
 * @param accuracy       accuracy over all labels (classifiers)
 * @param recentAccuracy accuracy over the last 100 labels (classifiers)
 * @param first10Loss    mean loss of the task's first 10 labels, when this instance saw the task arrive
 * @param first20Loss    the same over its first 20 labels
 * @param headRate       the learning rate the task's head steps at now
 * @param start          the start the new task took (zero, mean, subspace, newton), once chosen
 * @param lastSeenMs     wall-clock time of its last prediction, ms since the epoch
 */
public record TaskView(String task, String replica, String type, long events, long labels, Double recentLoss,
                       Double loss, Double accuracy, Double recentAccuracy, Double first10Loss, Double first20Loss,
                       Double headRate, String start, long lastSeenMs) {

    static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
