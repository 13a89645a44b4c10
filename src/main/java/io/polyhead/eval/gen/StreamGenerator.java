package io.polyhead.eval.gen;

import io.polyhead.event.Event;

/**
 * An endless, reproducible stream of contract events from a family of related (or unrelated) tasks.
 * Same options and seed, same events.
 */
public interface StreamGenerator {

    /** The next event. Never null. */
    Event next();

    /** Features per event. */
    int inputDim();

    /** The generator's name as the command line spells it. */
    String name();
}
