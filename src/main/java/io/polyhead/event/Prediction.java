package io.polyhead.event;

/**
 * The learner's answer to one accepted event, in the shape of the {@code polyhead.predictions}
 * contract.
 *
 * @param task          task id. Never null.
 * @param id            the input event's id. May be null.
 * @param type          the head kind that answered. Never null.
 * @param prediction    regression: the predicted value; binary: 0 or 1; multiclass: the class index.
 * @param score         regression: the predicted value; binary: P(label = 1); multiclass: the
 *                      probability of the predicted class.
 * @param probabilities multiclass class probabilities; null for the other kinds.
 * @param label         the event's label. May be null.
 * @param loss          the prequential loss on this event (the model had not seen it); null when the
 *                      event has no label.
 * @param trained       whether the learner learned from the event (it had a label).
 * @param taskEvents    events seen for this task including this one.
 * @param newTask       whether this event created the task's head.
 * @param modelVersion  number of learning steps (batches) the model had taken before predicting.
 */
public record Prediction(String task, String id, TaskType type, double prediction, double score,
                         float[] probabilities, Double label, Double loss, boolean trained,
                         long taskEvents, boolean newTask, long modelVersion) {
}
