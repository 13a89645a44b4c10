package io.polyhead.meta;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What established heads of one shape have in common, as a start for new ones: their mean (a
 * Reptile-style meta-initialisation, Nichol, Achiam and Schulman 2018, "On First-Order Meta-Learning
 * Algorithms") and the main directions in which they differ from it (principal components of the head
 * weights — the shared-basis idea of ELLA, Ruvolo and Eaton 2013). Heads of related tasks lie near a
 * low-dimensional subspace; a new task then needs only its few coordinates in it.
 *
 * <p>Keeps the latest weights of at most {@link #MAX_TASKS} established tasks (the most recently
 * observed); the components come from the eigenvectors of their Gram matrix (Jacobi rotations),
 * which for a few dozen tasks costs microseconds.
 */
public final class HeadPrior {
    /** Tasks whose heads the prior remembers. */
    public static final int MAX_TASKS = 64;

    private final int size;
    private final Map<String, double[]> heads = new LinkedHashMap<>(16, 0.75f, true);

    /** @param size the length of a head's weight vector */
    public HeadPrior(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("head size must be at least 1. Got: " + size);
        }
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** Tasks remembered. */
    public int tasks() {
        return heads.size();
    }

    /** Records (or refreshes) an established task's current head weights. */
    public void observe(String task, double[] weights) {
        if (weights.length != size) {
            throw new IllegalArgumentException("head of " + weights.length + " weights for a prior of " + size);
        }
        for (double w : weights) {
            if (!Double.isFinite(w)) {
                return;
            }
        }
        heads.put(task, weights.clone());
        if (heads.size() > MAX_TASKS) {
            String eldest = heads.keySet().iterator().next();
            heads.remove(eldest);
        }
    }

    /** The remembered heads by task, least recently observed first (read-only view). */
    public Map<String, double[]> heads() {
        return java.util.Collections.unmodifiableMap(heads);
    }

    /** Forgets a task (evicted). */
    public void forget(String task) {
        heads.remove(task);
    }

    /** The mean head, or zeros when no task is known. */
    public double[] mean() {
        double[] mean = new double[size];
        if (heads.isEmpty()) {
            return mean;
        }
        for (double[] w : heads.values()) {
            for (int i = 0; i < size; i++) {
                mean[i] += w[i];
            }
        }
        for (int i = 0; i < size; i++) {
            mean[i] /= heads.size();
        }
        return mean;
    }

    /** Mean squared distance of the remembered heads from their mean: the variance the basis explains part of. */
    public double totalVariance() {
        if (heads.size() < 2) {
            return 0;
        }
        double[] mean = mean();
        double sum = 0;
        for (double[] w : heads.values()) {
            for (int i = 0; i < size; i++) {
                double c = w[i] - mean[i];
                sum += c * c;
            }
        }
        return sum / heads.size();
    }

    /**
     * Up to {@code rank} orthonormal directions (rows) along which the remembered heads vary most
     * around their mean, each scaled to unit length; with their standard deviations in
     * {@code spreadOut[0..rank)} when given. Fewer rows when fewer tasks are known.
     */
    public double[][] basis(int rank, double[] spreadOut) {
        int k = heads.size();
        if (k < 2 || rank < 1) {
            return new double[0][];
        }
        double[] mean = mean();
        double[][] centred = new double[k][];
        int t = 0;
        for (double[] w : heads.values()) {
            double[] c = new double[size];
            for (int i = 0; i < size; i++) {
                c[i] = w[i] - mean[i];
            }
            centred[t++] = c;
        }
        double[][] gram = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < size; i++) {
                    dot += centred[a][i] * centred[b][i];
                }
                gram[a][b] = dot;
                gram[b][a] = dot;
            }
        }
        double[][] vectors = new double[k][k];
        double[] values = SymmetricEigen.decompose(gram, vectors);
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        int r = Math.min(rank, k - 1);
        double[][] basis = new double[r][];
        int filled = 0;
        for (int j = 0; j < r; j++) {
            int e = order[j];
            if (values[e] <= 1e-12 * Math.max(1e-300, values[order[0]])) {
                break;
            }
            double[] dir = new double[size];
            for (int a = 0; a < k; a++) {
                double coef = vectors[a][e];
                for (int i = 0; i < size; i++) {
                    dir[i] += coef * centred[a][i];
                }
            }
            double norm = 0;
            for (double v : dir) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < size; i++) {
                dir[i] /= norm;
            }
            if (spreadOut != null) {
                spreadOut[filled] = Math.sqrt(values[e] / k);
            }
            basis[filled++] = dir;
        }
        return Arrays.copyOf(basis, filled);
    }
}
