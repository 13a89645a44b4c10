package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The step rule of one task's head. A head is linear in its input: row {@code r} of its weights
 * maps the input {@code x} (plus a bias input of 1) to one output {@code z_r}. Given
 * {@code delta = −∂loss/∂z_r}, the rule moves that row downhill. Rules with per-weight state
 * (Autostep) keep it inside the instance, one instance per head.
 */
public interface HeadRate {

    /**
     * Updates row {@code row} of a head: {@code w[wOff .. wOff+n]} holds the {@code n} input weights
     * followed by the bias; {@code x[xOff .. xOff+n)} is the input the head saw.
     *
     * @param delta {@code −∂loss/∂z_row} for this event; finite
     */
    void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta);

    /**
     * As {@link #update(int, double[], int, double[], int, int, double)}, given {@code 1 + ‖x‖²} (the
     * squared norm of the input with its bias), which a head learned at several rates works out once for
     * all of them. Rules that do not use it ignore it.
     */
    default void update(int row, double[] w, int wOff, double[] x, int xOff, int n, double delta, double normPlusOne) {
        update(row, w, wOff, x, xOff, n, delta);
    }

    /** A typical current rate of this head (the mean over its weights), for reports and metrics. */
    double meanRate();

    /** Writes the rule's state for a snapshot; a rule without state (the default) writes nothing. */
    default void writeState(DataOutput out) throws IOException {
    }

    /** Reads what {@link #writeState} wrote; a rule without state (the default) reads nothing. */
    default void readState(DataInput in) throws IOException {
    }
}
