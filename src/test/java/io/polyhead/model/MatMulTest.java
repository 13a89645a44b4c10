package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/** The Java loops and ND4J's BLAS compute the same products, for every transpose combination. */
class MatMulTest {

    @ParameterizedTest
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void javaAndNd4jAgree(boolean transA, boolean transB) {
        SplittableRandom r = new SplittableRandom(5);
        int m = 7;
        int k = 5;
        int n = 3;
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextDouble(-1, 1);
        }
        double[] java = MatMul.java(a, transA, b, transB, m, k, n);
        double[] nd4j = MatMul.nd4j(a, transA, b, transB, m, k, n, DataType.DOUBLE);
        for (int i = 0; i < java.length; i++) {
            assertEquals(java[i], nd4j[i], 1e-12, "element " + i);
        }
        // and by hand for one element
        double c00 = 0;
        for (int p = 0; p < k; p++) {
            c00 += (transA ? a[p * m] : a[p]) * (transB ? b[p] : b[p * n]);
        }
        assertEquals(c00, java[0], 1e-12);
    }
}
