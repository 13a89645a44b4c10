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
 * heads with their step rules' state. A loaded learner predicts and learns exactly as the saved one,
 * except under the meta-learner for a task still choosing its start (it continues from the start its
 * blend trusts most) and for tasks created later (the priors are rebuilt from the saved heads).
 *
 * <p>Format: the magic {@code PLYH}, a format version, then fields in a fixed order written with
 * {@link DataOutputStream}; enums by name. Every format version ever written stays readable: a test
 * loads a committed file of each.
 */
public final class LearnerSnapshot {
    /** "PLYH". */
    static final int MAGIC = 0x504C5948;
    /**
     * The version this code writes. 2 added the meta-learner switch and the start each task kept; 3
     * keeps each task's start candidate with its rate and the candidates' window losses, from which new
     * tasks learn their prior weights.
     */
    public static final int FORMAT_VERSION = 3;

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
        writeBytes(out, ModelCodec.encodeTrunk(learner));
        var keys = ModelCodec.keys(learner);
        out.writeInt(keys.size());
        for (String key : keys) {
            out.writeUTF(key);
            writeBytes(out, ModelCodec.encodeKey(learner, key));
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
        MultiTaskLearner learner = new MultiTaskLearner(readConfig(in, version));
        ModelCodec.decodeTrunk(learner, readBytes(in));
        int keys = in.readInt();
        for (int i = 0; i < keys; i++) {
            String key = in.readUTF();
            ModelCodec.decodeKey(learner, key, readBytes(in));
        }
        learner.rebuildPriors();
        return learner;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 30) {
            throw new IOException("corrupt snapshot: entry length " + n);
        }
        return in.readNBytes(n);
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
        out.writeBoolean(c.meta());
        out.writeUTF(c.defaultType().name());
        out.writeLong(c.seed());
        out.writeUTF(c.dataType().name());
    }

    /** Version 1 had no meta-learner: its snapshots load with it off, and so predict as they did. */
    private static LearnerConfig readConfig(DataInputStream in, int version) throws IOException {
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
        boolean meta = version >= 2 && in.readBoolean();
        TaskType defaultType = TaskType.valueOf(in.readUTF());
        long seed = in.readLong();
        DataType dataType = DataType.valueOf(in.readUTF());
        return new LearnerConfig(model, inputDim, hidden, batch, opt, trunkRate, headOpt, headRate, standardize,
                headSeesInput, localHeads, meta, defaultType, seed, dataType);
    }

}
