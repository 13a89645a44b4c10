package io.polyhead.model;

import java.util.Locale;

/** What the learner shares between tasks; {@code --model} on the command line. */
public enum ModelKind {
    /** One trunk shared by all tasks, one head per task (Polyhead's model). */
    SHARED,
    /** Baseline: one linear model per task on the standardised raw features, nothing shared. */
    INDEPENDENT,
    /** Baseline: one model for all tasks of the same kind; the task id is ignored. */
    POOLED;

    /** The command-line name: {@code shared}, {@code independent}, {@code pooled}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
