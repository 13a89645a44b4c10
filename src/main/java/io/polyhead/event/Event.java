package io.polyhead.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One validated input event of the event contract. Immutable: the feature array is copied on the way
 * in and never handed out for writing ({@link #feature(int)} and {@link #features()} copy).
 *
 * @param task      task id, 1–128 chars of {@code [A-Za-z0-9._:-]}. Never null.
 * @param id        the producer's event id, echoed in the prediction. May be null.
 * @param features  dense features, already hashed when the producer sent a {name: value} object;
 *                  finite numbers, length = the model's input dimension. Never null.
 * @param label     the label: any finite number for regression, 0 or 1 for binary, a class index for
 *                  multiclass. May be null (predict only).
 * @param type      the head kind the producer asked for. May be null (then the learner's default).
 * @param classes   number of classes for multiclass. May be null for the other kinds.
 * @param timestamp epoch milliseconds. May be null (then the record timestamp is used).
 */
public record Event(String task, String id, float[] features, Double label, TaskType type,
                    Integer classes, Long timestamp) {

    public Event {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(features, "features");
        features = features.clone();
    }

    /** A labeled event without id, type or timestamp; convenient in tests and generators. */
    public static Event of(String task, float[] features, Double label) {
        return new Event(task, null, features, label, null, null, null);
    }

    /** Returns a copy of the features. */
    @Override
    public float[] features() {
        return features.clone();
    }

    /** Feature {@code i} without copying the array. */
    public float feature(int i) {
        return features[i];
    }

    /** Number of features. */
    public int dimension() {
        return features.length;
    }

    /** Copies the features into {@code dst} at {@code offset} without allocating. */
    public void copyFeaturesTo(float[] dst, int offset) {
        System.arraycopy(features, 0, dst, offset, features.length);
    }

    /** Whether the event carries a label, so the learner trains on it. */
    public boolean labeled() {
        return label != null;
    }

    /** The same event with a timestamp (epoch ms): the record's, for an event that carries none. */
    public Event withTimestamp(long newTimestamp) {
        return new Event(task, id, features, label, type, classes, newTimestamp);
    }

    /** The same event with another task id (used by the pooled baseline and by re-keying). */
    public Event withTask(String newTask) {
        return new Event(newTask, id, features, label, type, classes, timestamp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && task.equals(e.task) && Objects.equals(id, e.id)
                && Arrays.equals(features, e.features) && Objects.equals(label, e.label)
                && type == e.type && Objects.equals(classes, e.classes)
                && Objects.equals(timestamp, e.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, id, Arrays.hashCode(features), label, type, classes, timestamp);
    }

    @Override
    public String toString() {
        return "Event{task=" + task + ", id=" + id + ", features=" + features.length + "d, label=" + label
                + ", type=" + type + ", classes=" + classes + ", timestamp=" + timestamp + "}";
    }
}
