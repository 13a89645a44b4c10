package io.polyhead.event;

import java.util.Locale;

/** The kind of a task's head, read from a task's first event ({@code "type"} in the event contract). */
public enum TaskType {
    /** Real-valued label, squared loss. */
    REGRESSION,
    /** Label 0 or 1, logistic head, log loss. */
    BINARY,
    /** Label 0..K-1 with K = {@code classes}, softmax head, cross-entropy. */
    MULTICLASS;

    /** Largest label size: the squared error of a label beyond it could overflow. */
    public static final double MAX_LABEL = 1e100;

    /**
     * The one home of the label rules: a label of a task of this kind (with {@code classes} classes for
     * multiclass) is a finite number within ±{@link #MAX_LABEL}; 0 or 1 for binary; an integer in
     * {@code [0, classes)} for multiclass. The parser checks an event's label against the kind the event
     * declares, the learner against the kind its task has.
     *
     * @return null when the label is acceptable, else the rejection naming it
     */
    public Rejection checkLabel(int classes, double label) {
        if (!Double.isFinite(label)) {
            return new Rejection("label", "must be a finite number. Got: " + label);
        }
        if (Math.abs(label) > MAX_LABEL) {
            return new Rejection("label", "must be within ±1e100 (its square must stay finite). Got: " + label);
        }
        return switch (this) {
            case REGRESSION -> null;
            case BINARY -> label == 0 || label == 1 ? null
                    : new Rejection("label", "a binary task's label must be 0 or 1. Got: " + label);
            case MULTICLASS -> label == Math.rint(label) && label >= 0 && label < classes ? null
                    : new Rejection("label", "a multiclass task with " + classes + " classes needs an integer in [0, "
                    + (classes - 1) + "]. Got: " + label);
        };
    }

    /** The name used in JSON: {@code regression}, {@code binary}, {@code multiclass}. Never null. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a JSON type name.
     *
     * @throws IllegalArgumentException naming the value when it is not one of the three names
     */
    public static TaskType fromJson(String value) {
        for (TaskType t : values()) {
            if (t.jsonName().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "type must be one of regression, binary, multiclass. Got: \"" + value + "\"");
    }
}
