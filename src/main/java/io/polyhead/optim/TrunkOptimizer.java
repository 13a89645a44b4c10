package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Updates the trunk's parameters from a gradient. The trunk keeps all its parameters in one flat
 * array and its gradient in another of the same layout, so an optimiser is a loop over one array
 * whatever the number of layers.
 */
public interface TrunkOptimizer {

    /**
     * Takes one step: {@code params} is changed in place from {@code gradient} (the mean gradient of
     * the batch's loss). Both have the same length; neither may be null.
     */
    void step(double[] params, double[] gradient);

    /**
     * One step of a trunk that other processes step too: the shared model took {@code elapsed} steps since
     * this optimiser's last one, this one included, so {@code elapsed - 1} were taken elsewhere and moved
     * {@code params} in between. {@code elapsed} 1 is {@link #step(double[], double[])}; an optimiser with
     * no state that looks back at its last step ignores it (the default).
     */
    default void step(double[] params, double[] gradient, long elapsed) {
        step(params, gradient);
    }

    /** The learning rate the next step will use. */
    double learningRate();

    /** Steps taken so far. */
    long steps();

    /**
     * Writes what another process's optimiser of the same configuration needs to step on from where this one
     * is ({@link #readShared}): the running state, and what a snapshot leaves out. {@link #writeState} by default.
     */
    default void writeShared(DataOutput out) throws IOException {
        writeState(out);
    }

    /**
     * Takes the state another process's optimiser wrote with {@link #writeShared}, replacing this one's: the
     * next step goes on from the other's last. {@link #readState} by default.
     */
    default void readShared(DataInput in) throws IOException {
        readState(in);
    }

    /** Writes the running state (moments, step count, adapted rate) for a snapshot. */
    void writeState(DataOutput out) throws IOException;

    /** Reads what {@link #writeState} wrote, into an optimiser of the same configuration. */
    void readState(DataInput in) throws IOException;
}
