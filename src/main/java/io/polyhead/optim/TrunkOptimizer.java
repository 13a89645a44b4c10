package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates the trunk's parameters from a gradient. The trunk keeps all its parameters in one flat
 * vector and its gradient in another of the same shape, so an optimiser is a handful of
 * vector operations whatever the number of layers.
 */
public interface TrunkOptimizer {

    /**
     * Takes one step: {@code params} is changed in place from {@code gradient} (the mean gradient of
     * the batch's loss). Neither may be null; both are row vectors of the same length.
     */
    void step(INDArray params, INDArray gradient);

    /** The learning rate the next step will use. */
    double learningRate();

    /** Steps taken so far. */
    long steps();

    /** Writes the running state (moments, step count, adapted rate) for a snapshot. */
    void writeState(DataOutput out) throws IOException;

    /** Reads what {@link #writeState} wrote, into an optimiser of the same configuration. */
    void readState(DataInput in) throws IOException;
}
