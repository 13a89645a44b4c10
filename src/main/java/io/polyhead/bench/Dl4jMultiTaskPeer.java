package io.polyhead.bench;

import io.polyhead.event.Event;
import io.polyhead.event.TaskType;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The model of Polyhead's original design written with DL4J's {@link ComputationGraph}, so that the
 * {@code bench core} ratio compares Polyhead's learner with what the design first called for rather
 * than with a straw man: shared ReLU dense layers, one {@link OutputLayer} per task hanging off the
 * last shared layer, every output's labels masked to the rows of its own task, and one
 * {@link ComputationGraph#fit(org.nd4j.linalg.dataset.api.MultiDataSet) fit} per mini-batch.
 *
 * <p>Learning is prequential like {@code MultiTaskLearner.learn}: {@link #learn} first runs
 * {@code output(...)} on the batch and scores each event with its own task's output (the model as it
 * was before the batch), then fits the batch once. Differences from Polyhead that are part of the
 * original design and left in on purpose:
 * <ul>
 *   <li>features go in raw (no online standardisation; the benchmark stream is already standard
 *       normal), and heads see only the trunk's features;</li>
 *   <li>one Adam updater for every parameter, heads included (Polyhead steps heads with SGD);</li>
 *   <li>DL4J divides the summed gradient by the whole batch size, so each output's step shrinks with
 *       the share of its task in the batch (Polyhead divides the trunk gradient by the labeled count
 *       and steps each head per event);</li>
 *   <li>output layers start from He-normal weights like the trunk (Polyhead's heads start at zero).</li>
 * </ul>
 *
 * <p>Per-event losses are computed here, in double, the way Polyhead reports them: binary log loss
 * with the probability clipped to [1e-15, 1 − 1e-15], squared error {@code (z − y)²} for regression,
 * {@code −log p_y} (same clipping) for multiclass.
 *
 * <p>Cost: every output layer is a graph vertex with its own forward, score, backward and update ops,
 * so a {@code fit} costs about the same whatever the batch size and grows with the number of tasks
 * (measured: about 60 ms of CPU per {@code fit} with 100 binary tasks, trunk 64-64, at batch 32 and
 * at batch 256 alike). In DL4J 1.0.0-M2.1 part of that grows with the square of the number of
 * parameter arrays: {@code UpdaterBlock.applyRegularizationAllVariables} reshapes its full-network
 * views once per parameter inside its loop, building a chain of views that every later view walks
 * (about a quarter of the CPU with 100 tasks, even with no regularisation configured). It is left in:
 * it is what the original design costs with this library.
 *
 * <p>Not thread-safe.
 */
public final class Dl4jMultiTaskPeer {
    /** Polyhead's default trunk learning rate, used for the whole graph. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;

    private static final double EPS = 1e-15;

    /**
     * One task of the graph and the output layer it gets.
     *
     * @param id      task id, as in {@link Event#task()}. Never null.
     * @param type    the task's kind. Never null.
     * @param classes number of classes for multiclass (at least 2); ignored (0) for the other kinds
     */
    public record PeerTask(String id, TaskType type, int classes) {
        public PeerTask {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            if (type == TaskType.MULTICLASS && classes < 2) {
                throw new IllegalArgumentException("a multiclass task needs at least 2 classes. Got: " + classes);
            }
            if (type != TaskType.MULTICLASS) {
                classes = 0;
            }
        }

        public static PeerTask binary(String id) {
            return new PeerTask(id, TaskType.BINARY, 0);
        }

        public static PeerTask regression(String id) {
            return new PeerTask(id, TaskType.REGRESSION, 0);
        }

        public static PeerTask multiclass(String id, int classes) {
            return new PeerTask(id, TaskType.MULTICLASS, classes);
        }

        /** Width of the task's output layer: 1, or the number of classes. */
        public int outputs() {
            return type == TaskType.MULTICLASS ? classes : 1;
        }
    }

    private final int inputDim;
    private final List<PeerTask> tasks;
    private final Map<String, Integer> outputIndex = new LinkedHashMap<>();
    private final ComputationGraph graph;
    private long fits;

    /**
     * Builds and initialises the graph.
     *
     * @param inputDim     input features, at least 1
     * @param hidden       shared ReLU layer widths, at least one, each at least 1
     * @param tasks        the tasks, one output layer each, in this order; ids distinct. Never null.
     * @param learningRate Adam's learning rate for every parameter (see {@link #DEFAULT_LEARNING_RATE})
     * @param seed         seeds DL4J's weight initialisation
     */
    public Dl4jMultiTaskPeer(int inputDim, int[] hidden, List<PeerTask> tasks, double learningRate, long seed) {
        if (inputDim < 1) {
            throw new IllegalArgumentException("input dimension must be at least 1. Got: " + inputDim);
        }
        if (hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("need at least one hidden width, each at least 1. Got: "
                    + Arrays.toString(hidden));
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("need at least one task");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite. Got: " + learningRate);
        }
        this.inputDim = inputDim;
        this.tasks = List.copyOf(tasks);
        for (int t = 0; t < this.tasks.size(); t++) {
            if (outputIndex.put(this.tasks.get(t).id(), t) != null) {
                throw new IllegalArgumentException("task ids must be distinct. Got twice: " + this.tasks.get(t).id());
            }
        }

        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.feedForward(inputDim));
        String previous = "in";
        int width = inputDim;
        for (int l = 0; l < hidden.length; l++) {
            String name = "dense" + l;
            builder.addLayer(name, new DenseLayer.Builder().nIn(width).nOut(hidden[l])
                    .activation(Activation.RELU).build(), previous);
            previous = name;
            width = hidden[l];
        }
        String[] outputs = new String[this.tasks.size()];
        for (int t = 0; t < outputs.length; t++) {
            PeerTask task = this.tasks.get(t);
            outputs[t] = outputName(t);
            builder.addLayer(outputs[t], outputLayer(task, width), previous);
        }
        builder.setOutputs(outputs);
        this.graph = new ComputationGraph(builder.build());
        graph.init();
    }

    private static OutputLayer outputLayer(PeerTask task, int nIn) {
        return switch (task.type()) {
            case BINARY -> new OutputLayer.Builder(LossFunction.XENT).nIn(nIn).nOut(1)
                    .activation(Activation.SIGMOID).build();
            case REGRESSION -> new OutputLayer.Builder(LossFunction.MSE).nIn(nIn).nOut(1)
                    .activation(Activation.IDENTITY).build();
            case MULTICLASS -> new OutputLayer.Builder(LossFunction.MCXENT).nIn(nIn).nOut(task.classes())
                    .activation(Activation.SOFTMAX).build();
        };
    }

    private static String outputName(int t) {
        return "out" + t;
    }

    /** The tasks in output order. Never null. */
    public List<PeerTask> tasks() {
        return Collections.unmodifiableList(tasks);
    }

    /**
     * The name of a task's output layer in {@link #graph()}.
     *
     * @throws IllegalArgumentException when the task is unknown
     */
    public String outputLayerName(String task) {
        return outputName(index(task));
    }

    /** The underlying graph (live: for inspection in tests and benchmarks). Never null. */
    public ComputationGraph graph() {
        return graph;
    }

    /** Number of {@code fit} calls so far (batches with at least one label). */
    public long fits() {
        return fits;
    }

    private int index(String task) {
        Integer t = outputIndex.get(task);
        if (t == null) {
            throw new IllegalArgumentException("unknown task: " + task);
        }
        return t;
    }

    /**
     * Predicts every event of {@code batch} with the graph as it is, then fits the labeled events in
     * one {@code fit} call. Unlabeled events are predicted and masked out of every output.
     *
     * @param batch events of known tasks with {@code inputDim} features. Never null; may be empty.
     * @return the prequential loss of each event, in order; {@code NaN} where the event has no label.
     *         Never null.
     * @throws IllegalArgumentException naming the event when its task is unknown, its dimension is
     *                                  wrong or its multiclass label is out of range
     */
    public double[] learn(List<Event> batch) {
        int n = batch.size();
        double[] losses = new double[n];
        if (n == 0) {
            return losses;
        }
        int[] taskOf = new int[n];
        float[] x = new float[n * inputDim];
        for (int i = 0; i < n; i++) {
            Event e = batch.get(i);
            if (e.dimension() != inputDim) {
                throw new IllegalArgumentException("features has " + e.dimension() + " values, the peer's input "
                        + "dimension is " + inputDim + ": " + e);
            }
            taskOf[i] = index(e.task());
            PeerTask task = tasks.get(taskOf[i]);
            if (e.labeled() && task.type() == TaskType.MULTICLASS) {
                double y = e.label();
                if (y != Math.rint(y) || y < 0 || y >= task.classes()) {
                    throw new IllegalArgumentException("label out of range for " + task.classes() + " classes: " + e);
                }
            }
            e.copyFeaturesTo(x, i * inputDim);
        }
        INDArray features = Nd4j.create(x, new long[] {n, inputDim}, 'c');

        // Prequential: score every event with the graph before it sees the batch.
        INDArray[] out = graph.output(false, features);
        int labeled = 0;
        for (int i = 0; i < n; i++) {
            Event e = batch.get(i);
            if (!e.labeled()) {
                losses[i] = Double.NaN;
                continue;
            }
            losses[i] = loss(tasks.get(taskOf[i]), out[taskOf[i]], i, e.label());
            labeled++;
        }
        if (labeled == 0) {
            return losses;
        }

        int outputs = tasks.size();
        float[][] labels = new float[outputs][];
        float[][] masks = new float[outputs][];
        for (int t = 0; t < outputs; t++) {
            labels[t] = new float[n * tasks.get(t).outputs()];
            masks[t] = new float[n];
        }
        for (int i = 0; i < n; i++) {
            Event e = batch.get(i);
            if (!e.labeled()) {
                continue;
            }
            int t = taskOf[i];
            int k = tasks.get(t).outputs();
            if (tasks.get(t).type() == TaskType.MULTICLASS) {
                labels[t][i * k + (int) (double) e.label()] = 1f;
            } else {
                labels[t][i] = (float) (double) e.label();
            }
            masks[t][i] = 1f;
        }
        INDArray[] labelArrays = new INDArray[outputs];
        INDArray[] maskArrays = new INDArray[outputs];
        for (int t = 0; t < outputs; t++) {
            labelArrays[t] = Nd4j.create(labels[t], new long[] {n, tasks.get(t).outputs()}, 'c');
            // [n, 1]: one mask value per example, broadcast over the output's columns.
            maskArrays[t] = Nd4j.create(masks[t], new long[] {n, 1}, 'c');
        }
        graph.fit(new MultiDataSet(new INDArray[] {features}, labelArrays, null, maskArrays));
        fits++;
        return losses;
    }

    private static double loss(PeerTask task, INDArray output, int row, double y) {
        switch (task.type()) {
            case REGRESSION: {
                double err = output.getDouble(row, 0) - y;
                return err * err;
            }
            case BINARY: {
                double p = clip(output.getDouble(row, 0));
                return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
            }
            default:
                return -Math.log(clip(output.getDouble(row, (int) y)));
        }
    }

    private static double clip(double p) {
        return Math.min(Math.max(p, EPS), 1 - EPS);
    }

    /** Convenience for callers that average: the mean of the non-NaN values, or NaN if there are none. */
    public static double meanLoss(double[] losses) {
        double sum = 0;
        int count = 0;
        for (double l : losses) {
            if (!Double.isNaN(l)) {
                sum += l;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    @Override
    public String toString() {
        return "Dl4jMultiTaskPeer{inputDim=" + inputDim + ", tasks=" + tasks.size() + ", fits=" + fits + "}";
    }
}
