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
