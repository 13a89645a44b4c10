package io.polyhead.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes and reads row vectors of float or double in a plain, versionable form (data type, length,
 * values), independent of ND4J's own serialisation.
 */
public final class NdArrays {
    private NdArrays() {
    }

    /** Writes a vector's data type, length and values. */
    public static void write(DataOutput out, INDArray vector) throws IOException {
        boolean isDouble = vector.dataType() == DataType.DOUBLE;
        out.writeBoolean(isDouble);
        long n = vector.length();
        out.writeInt((int) n);
        INDArray flat = vector.reshape(n);
        if (isDouble) {
            for (double x : flat.toDoubleVector()) {
                out.writeDouble(x);
            }
        } else {
            for (float x : flat.toFloatVector()) {
                out.writeFloat(x);
            }
        }
    }

    /** Reads a row vector written by {@link #write}. */
    public static INDArray read(DataInput in) throws IOException {
        boolean isDouble = in.readBoolean();
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative vector length " + n);
        }
        if (isDouble) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readDouble();
            }
            return Nd4j.createFromArray(a).reshape(1, n);
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return Nd4j.createFromArray(a).reshape(1, n);
    }
}
