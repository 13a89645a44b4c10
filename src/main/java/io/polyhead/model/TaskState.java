package io.polyhead.model;

import io.polyhead.event.TaskType;

/**
 * What the learner knows of one task apart from its head: its kind (fixed by its first event), the
 * number of classes for multiclass, how many events it has seen, and the scales of its own features
 * and (regression) labels.
 */
public final class TaskState {
    private final TaskType type;
    private final int classes;
    private long events;
    private long lastSeen;
    private final Standardizer features;
    private final TargetScale target;

    TaskState(TaskType type, int classes, long events, long lastSeen, int inputDim, boolean standardize) {
        this.type = type;
        this.classes = classes;
        this.events = events;
        this.lastSeen = lastSeen;
        this.features = new Standardizer(inputDim, standardize);
        this.target = type == TaskType.REGRESSION ? new TargetScale() : null;
    }

    /** The running statistics of this task's own features. Never null. */
    public Standardizer features() {
        return features;
    }

    /** The running scale of a regression task's labels; null for classifiers. */
    public TargetScale target() {
        return target;
    }

    public TaskType type() {
        return type;
    }

    /** Classes of a multiclass task, else 0. */
    public int classes() {
        return classes;
    }

    /** Events answered for this task so far. */
    public long events() {
        return events;
    }

    /** The latest event timestamp seen for this task (epoch ms), or 0 when its events had none. */
    public long lastSeen() {
        return lastSeen;
    }

    void countEvent(Long timestamp) {
        events++;
        if (timestamp != null && timestamp > lastSeen) {
            lastSeen = timestamp;
        }
    }
}
