package io.polyhead.model;

import io.polyhead.event.TaskType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Saves and loads a whole learner: configuration, standardiser, trunk, optimiser state, tasks and
 * heads with their step rules' state. A loaded learner predicts and learns exactly as the saved one.
 *
 * <p>Format: the magic {@code PLYH}, a format version, then fields in a fixed order written with
 * {@link DataOutputStream}; enums by name. Every format version ever written stays readable: a test
 * loads a committed file of each.
 */
public final class LearnerSnapshot {
    /** "PLYH". */
    static final int MAGIC = 0x504C5948;
    /** The version this code writes. */
    public static final int FORMAT_VERSION = 1;

    private LearnerSnapshot() {
    }

    /** Writes the learner to {@code file} atomically (a temporary file, then a rename). */
    public static void save(MultiTaskLearner learner, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            write(learner, out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a learner from {@code file}. */
    public static MultiTaskLearner load(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in);
        }
    }

    /** Writes the learner to a stream (not closed). */
    public static void write(MultiTaskLearner learner, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        writeConfig(out, learner.config());
        out.writeInt(learner.inputDim());
        out.writeLong(learner.modelVersion());
        out.writeLong(learner.labeledEvents());
        if (learner.inputDim() > 0) {
            Standardizer s = learner.standardizer();
            out.writeLong(s.count());
            writeDoubles(out, s.meanArray());
            writeDoubles(out, s.m2Array());
            writeDoubles(out, learner.trunk().params());
            learner.trunkOptimizer().writeState(out);
        }
        out.writeInt(learner.tasks().size());
        for (Map.Entry<String, TaskState> e : learner.tasks().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue().type().name());
            out.writeInt(e.getValue().classes());
            out.writeLong(e.getValue().events());
        }
        out.writeInt(learner.heads().size());
        for (Map.Entry<String, TaskHead> e : learner.heads().entrySet()) {
            TaskHead th = e.getValue();
            out.writeUTF(e.getKey());
            out.writeUTF(th.trunkHead().type().name());
            out.writeInt(th.trunkHead().outputs());
            writeHead(out, th.trunkHead());
            out.writeBoolean(th.blended());
            if (th.blended()) {
                writeHead(out, th.localHead());
                out.writeLong(th.blend().count());
                out.writeDouble(th.blend().trunkLoss());
                out.writeDouble(th.blend().localLoss());
            }
        }
        out.flush();
    }

    /** Reads a learner from a stream (not closed). */
    public static MultiTaskLearner read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a Polyhead snapshot (magic " + Integer.toHexString(magic) + ")");
        }
        int version = in.readInt();
        if (version < 1 || version > FORMAT_VERSION) {
            throw new IOException("snapshot format version " + version + " is not supported; this build reads 1 to "
                    + FORMAT_VERSION);
        }
        LearnerConfig config = readConfig(in);
        MultiTaskLearner learner = new MultiTaskLearner(config);
        int inputDim = in.readInt();
        long modelVersion = in.readLong();
        long labeled = in.readLong();
        learner.restoreCounters(inputDim, modelVersion, labeled);
        if (inputDim > 0) {
            long count = in.readLong();
            double[] mean = readDoubles(in);
            double[] m2 = readDoubles(in);
            learner.standardizer().restore(count, mean, m2);
            double[] params = readDoubles(in);
            if (params.length != learner.trunk().params().length) {
                throw new IOException("snapshot trunk has " + params.length + " parameters, its configuration "
                        + learner.trunk().params().length);
            }
            System.arraycopy(params, 0, learner.trunk().params(), 0, params.length);
            learner.trunkOptimizer().readState(in);
        }
        int taskCount = in.readInt();
        for (int i = 0; i < taskCount; i++) {
            String task = in.readUTF();
            TaskType type = TaskType.valueOf(in.readUTF());
            int classes = in.readInt();
            long events = in.readLong();
            learner.putTask(task, new TaskState(type, classes, events));
        }
        int headCount = in.readInt();
        for (int i = 0; i < headCount; i++) {
            String key = in.readUTF();
            TaskType type = TaskType.valueOf(in.readUTF());
            int outputs = in.readInt();
            TaskHead th = learner.emptyTaskHead(type, outputs);
            readHead(in, key, th.trunkHead());
            boolean blended = in.readBoolean();
            if (blended != th.blended()) {
                throw new IOException("head " + key + (blended ? " has" : " lacks") + " a local head, its configuration "
                        + (blended ? "does not" : "does"));
            }
            if (blended) {
                readHead(in, key, th.localHead());
                long count = in.readLong();
                double trunkLoss = in.readDouble();
                double localLoss = in.readDouble();
                th.blend().restore(count, trunkLoss, localLoss);
            }
            learner.putHead(key, th);
        }
        return learner;
    }

    private static void writeHead(DataOutputStream out, Head h) throws IOException {
        out.writeLong(h.events());
        out.writeLong(h.labeledEvents());
        writeDoubles(out, h.weightArray());
        h.rate().writeState(out);
    }

    private static void readHead(DataInputStream in, String key, Head head) throws IOException {
        long events = in.readLong();
        long labeledEvents = in.readLong();
        double[] weights = readDoubles(in);
        if (weights.length != head.weightArray().length) {
            throw new IOException("head " + key + " has " + weights.length + " weights, expected "
                    + head.weightArray().length);
        }
        System.arraycopy(weights, 0, head.weightArray(), 0, weights.length);
        head.restoreCounts(events, labeledEvents);
        head.rate().readState(in);
    }

    private static void writeConfig(DataOutputStream out, LearnerConfig c) throws IOException {
        out.writeUTF(c.model().name());
        out.writeInt(c.inputDim());
        int[] hidden = c.hidden();
        out.writeInt(hidden.length);
        for (int h : hidden) {
            out.writeInt(h);
        }
        out.writeInt(c.batchSize());
        out.writeUTF(c.trunkOptimizer().name());
        out.writeDouble(c.trunkRate());
        out.writeUTF(c.headOptimizer().name());
        out.writeDouble(c.headRate());
        out.writeBoolean(c.standardize());
        out.writeBoolean(c.headSeesInput());
        out.writeBoolean(c.localHeads());
        out.writeUTF(c.defaultType().name());
        out.writeLong(c.seed());
        out.writeUTF(c.dataType().name());
    }

    private static LearnerConfig readConfig(DataInputStream in) throws IOException {
        ModelKind model = ModelKind.valueOf(in.readUTF());
        int inputDim = in.readInt();
        int[] hidden = new int[in.readInt()];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = in.readInt();
        }
        int batch = in.readInt();
        LearnerConfig.OptimizerKind opt = LearnerConfig.OptimizerKind.valueOf(in.readUTF());
        double trunkRate = in.readDouble();
        LearnerConfig.HeadOptimizerKind headOpt = LearnerConfig.HeadOptimizerKind.valueOf(in.readUTF());
        double headRate = in.readDouble();
        boolean standardize = in.readBoolean();
        boolean headSeesInput = in.readBoolean();
        boolean localHeads = in.readBoolean();
        TaskType defaultType = TaskType.valueOf(in.readUTF());
        long seed = in.readLong();
        DataType dataType = DataType.valueOf(in.readUTF());
        return new LearnerConfig(model, inputDim, hidden, batch, opt, trunkRate, headOpt, headRate, standardize,
                headSeesInput, localHeads, defaultType, seed, dataType);
    }

    private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double x : a) {
            out.writeDouble(x);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000_000) {
            throw new IOException("corrupt snapshot: array length " + n);
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }
}
