package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads and writes arrays of doubles in bulk (a length, then big-endian IEEE 754 values) for
 * snapshots and state-store entries. Bulk matters: the stream layer writes the trunk's parameters and
 * optimiser state after every batch.
 */
public final class StateIO {
    /** Largest array accepted when reading, to fail clearly on corrupt input. */
    static final int MAX_LENGTH = 100_000_000;

    private StateIO() {
    }

    public static void writeDoubles(DataOutput out, double[] a) throws IOException {
        out.writeInt(a.length);
        ByteBuffer buffer = ByteBuffer.allocate(a.length * Double.BYTES);
        buffer.asDoubleBuffer().put(a);
        out.write(buffer.array());
    }

    public static double[] readDoubles(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("corrupt state: array length " + n);
        }
        byte[] bytes = new byte[n * Double.BYTES];
        in.readFully(bytes);
        double[] a = new double[n];
        ByteBuffer.wrap(bytes).asDoubleBuffer().get(a);
        return a;
    }
}
