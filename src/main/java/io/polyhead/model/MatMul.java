package io.polyhead.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense matrix products for the trunk, row-major {@code double[]} in and out. Large products go to
 * BLAS through ND4J ({@code Nd4j.gemm}, in the trunk's data type); small ones run as plain Java
 * loops, because one ND4J call costs 15–45 µs whatever its size while a 64×64 mat-vec in Java takes
 * about 0.5 µs (measured on the 2-core machines this project targets; see the README).
 */
final class MatMul {
    /** Products of at least this many multiply-adds go to ND4J (a 16×64·64×64 product and up). */
    static final long ND4J_THRESHOLD = 16L * 64 * 64;

    private MatMul() {
    }

    /**
     * {@code op(a) · op(b)} where {@code op(a)} is {@code m × k} and {@code op(b)} is {@code k × n}.
     * {@code a} is stored as {@code m × k}, or {@code k × m} when {@code transA}; {@code b} as
     * {@code k × n}, or {@code n × k} when {@code transB}.
     */
    static double[] multiply(double[] a, boolean transA, double[] b, boolean transB, int m, int k, int n,
                             DataType dataType) {
        if ((long) m * k * n >= ND4J_THRESHOLD) {
            return nd4j(a, transA, b, transB, m, k, n, dataType);
        }
        return java(a, transA, b, transB, m, k, n);
    }

    static double[] java(double[] a, boolean transA, double[] b, boolean transB, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                double aip = transA ? a[p * m + i] : a[i * k + p];
                if (aip == 0) {
                    continue; // ReLU activations are often exactly zero
                }
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[j * k + p];
                    }
                } else {
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                }
            }
        }
        return c;
    }

    static double[] nd4j(double[] a, boolean transA, double[] b, boolean transB, int m, int k, int n,
                         DataType dataType) {
        INDArray na = array(a, transA ? k : m, transA ? m : k, dataType);
        INDArray nb = array(b, transB ? n : k, transB ? k : n, dataType);
        INDArray nc = Nd4j.create(dataType, new long[] {m, n}, 'c');
        Nd4j.gemm(na, nb, nc, transA, transB, 1.0, 0.0);
        return nc.data().asDouble();
    }

    private static INDArray array(double[] data, int rows, int cols, DataType dataType) {
        if (dataType == DataType.DOUBLE) {
            return Nd4j.create(data, new long[] {rows, cols}, 'c');
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return Nd4j.create(f, new long[] {rows, cols}, 'c');
    }
}
