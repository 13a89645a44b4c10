package io.polyhead.model;

import io.polyhead.event.TaskType;
import io.polyhead.meta.NewTaskStart;
import io.polyhead.optim.StateIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The learner's state in pieces that can be stored apart: one <em>trunk entry</em> (input dimension,
 * counters, standardiser, trunk weights, optimiser state) and one <em>key entry</em> per task or head
 * key (the task's kind and counts, its heads and their step rules' state). A snapshot file is a trunk
 * entry plus every key entry; the Kafka Streams processor keeps them in two state stores and writes
 * back only the keys a batch touched.
 *
 * <p>Entries are written with {@link DataOutputStream}, enums by name, and begin with a format
 * version so that stored state stays readable.
 */
public final class ModelCodec {
    /** Version of the entries this code writes. */
    public static final int ENTRY_VERSION = 6;
    /**
     * Version of the contributions this code writes: 7 added the optimiser state. Apart from the store entries',
     * so that the stores of a build that only changed contributions stay readable by the build before.
     */
    public static final int CONTRIBUTION_VERSION = 7;

    private ModelCodec() {
    }

    /** The trunk entry of {@code learner}. */
    public static byte[] encodeTrunk(MultiTaskLearner learner) {
        int size = 64 + (learner.trunk() == null ? 0
                : 8 * (3 * learner.trunk().parameterCount() + 2 * learner.inputDim()) + 64);
        return bytes(size, out -> {
            out.writeInt(ENTRY_VERSION);
            out.writeInt(learner.inputDim());
            out.writeLong(learner.modelVersion());
            out.writeLong(learner.labeledEvents());
            if (learner.inputDim() > 0) {
                Standardizer s = learner.standardizer();
                out.writeLong(s.count());
                writeDoubles(out, s.meanArray());
                writeDoubles(out, s.m2Array());
                TargetScale labels = learner.labelScale();
                out.writeLong(labels.count());
                out.writeDouble(labels.mean());
                out.writeDouble(labels.m2());
                writeDoubles(out, learner.trunk().params());
                learner.trunkOptimizer().writeState(out);
                // Format 6: a replica of a shared model keeps its own part apart from the others'.
                ReplicaShare share = learner.replicaShare();
                out.writeBoolean(share != null);
                if (share != null) {
                    writeDoubles(out, share.own);
                    writeMoments(out, share.ownFeatures);
                    out.writeLong(share.ownLabels.count());
                    out.writeDouble(share.ownLabels.mean());
                    out.writeDouble(share.ownLabels.m2());
                    out.writeLong(share.otherSteps);
                    out.writeLong(share.generation);
                }
            }
        });
    }

    /** Restores a trunk entry into a fresh learner of the same configuration. */
    public static void decodeTrunk(MultiTaskLearner learner, byte[] entry) throws IOException {
        DataInputStream in = input(entry);
        int version = checkVersion(in, "trunk");
        int inputDim = in.readInt();
        long modelVersion = in.readLong();
        long labeled = in.readLong();
        if (learner.inputDim() != 0 && inputDim != 0 && learner.inputDim() != inputDim) {
            throw new IOException("stored trunk has input dimension " + inputDim + ", the learner " + learner.inputDim());
        }
        learner.restoreCounters(inputDim, modelVersion, labeled);
        if (inputDim > 0) {
            long count = in.readLong();
            double[] mean = readDoubles(in);
            double[] m2 = readDoubles(in);
            if (mean.length != inputDim) {
                throw new IOException("stored standardiser has " + mean.length + " features, expected " + inputDim);
            }
            learner.standardizer().restore(count, mean, m2);
            if (version >= 4) {
                learner.labelScale().restore(in.readLong(), in.readDouble(), in.readDouble());
            }
            double[] params = readDoubles(in);
            if (params.length != learner.trunk().params().length) {
                throw new IOException("stored trunk has " + params.length + " parameters, this configuration ("
                        + learner.config().model().cliName() + ", hidden "
                        + java.util.Arrays.toString(learner.config().effectiveHidden()) + ") has "
                        + learner.trunk().params().length);
            }
            System.arraycopy(params, 0, learner.trunk().params(), 0, params.length);
            learner.restoreTrunkOptimizer(in);
            ReplicaShare share = learner.replicaShare();
            boolean stored = version >= 6 && in.readBoolean();
            if (stored) {
                double[] own = readDoubles(in);
                Standardizer features = readMoments(in, inputDim, learner.config().standardize(), "the replica's own");
                long labelCount = in.readLong();
                double labelMean = in.readDouble();
                double labelM2 = in.readDouble();
                long otherSteps = in.readLong();
                long generation = in.readLong();
                if (share != null) {
                    if (own.length != share.own.length) {
                        throw new IOException("stored replica has " + own.length + " own trunk steps' parameters, the trunk "
                                + share.own.length);
                    }
                    System.arraycopy(own, 0, share.own, 0, own.length);
                    share.ownFeatures.restore(features.count(), features.meanArray(), features.m2Array());
                    share.ownLabels.restore(labelCount, labelMean, labelM2);
                    share.otherSteps = otherSteps;
                    // Restored: what this replica publishes now replaces whatever it published since the
                    // state it restores (steps that may never have been committed).
                    share.generation = generation + 1;
                }
            }
            if (share != null && !stored) {
                // A learner that did not share until now: everything it learned is its own.
                learner.restartShare();
            }
        }
    }

    private static void writeMoments(DataOutputStream out, Standardizer s) throws IOException {
        out.writeLong(s.count());
        writeDoubles(out, s.meanArray());
        writeDoubles(out, s.m2Array());
    }

    private static Standardizer readMoments(DataInputStream in, int dim, boolean enabled, String what) throws IOException {
        long count = in.readLong();
        double[] mean = readDoubles(in);
        double[] m2 = readDoubles(in);
        if (mean.length != dim || m2.length != dim) {
            throw new IOException(what + " feature statistics have " + mean.length + " features, expected " + dim);
        }
        Standardizer s = new Standardizer(dim, enabled);
        s.restore(count, mean, m2);
        return s;
    }

    /** A replica's contribution as bytes ({@link #decodeContribution}): what a replica publishes. */
    public static byte[] encodeContribution(Contribution c) {
        int size = 256 + 4 * c.trunkDelta().length + 16 * c.features().dimension()
                + (c.optimizer() == null ? 0 : c.optimizer().bytes().length);
        return bytes(size, out -> {
            out.writeInt(CONTRIBUTION_VERSION);
            out.writeUTF(c.replica());
            out.writeUTF(c.origin());
            out.writeLong(c.generation());
            out.writeLong(c.steps());
            out.writeInt(c.trunkDelta().length);
            for (float v : c.trunkDelta()) {
                out.writeFloat(v);
            }
            writeMoments(out, c.features());
            out.writeBoolean(c.features().enabled());
            out.writeLong(c.labels().count());
            out.writeDouble(c.labels().mean());
            out.writeDouble(c.labels().m2());
            out.writeInt(c.heads().size());
            for (Map.Entry<String, Map<String, double[]>> shape : c.heads().entrySet()) {
                out.writeUTF(shape.getKey());
                out.writeInt(shape.getValue().size());
                for (Map.Entry<String, double[]> head : shape.getValue().entrySet()) {
                    out.writeUTF(head.getKey());
                    writeDoubles(out, head.getValue());
                }
            }
            out.writeInt(c.startLosses().size());
            for (Map.Entry<TaskType, List<double[]>> kind : c.startLosses().entrySet()) {
                out.writeUTF(kind.getKey().name());
                out.writeInt(kind.getValue().size());
                for (double[] l : kind.getValue()) {
                    writeDoubles(out, l);
                }
            }
            out.writeBoolean(c.optimizer() != null);
            if (c.optimizer() != null) {
                out.writeLong(c.optimizer().version());
                out.writeInt(c.optimizer().bytes().length);
                out.write(c.optimizer().bytes());
            }
        });
    }

    /** Reads a contribution written by {@link #encodeContribution}. */
    public static Contribution decodeContribution(byte[] bytes) throws IOException {
        DataInputStream in = input(bytes);
        int version = checkVersion(in, "contribution", CONTRIBUTION_VERSION);
        String replica = in.readUTF();
        String origin = in.readUTF();
        long generation = in.readLong();
        long steps = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > bytes.length / 4) {
            throw new IOException("contribution of " + replica + " claims " + n + " trunk parameters in " + bytes.length
                    + " bytes");
        }
        float[] delta = new float[n];
        for (int i = 0; i < n; i++) {
            delta[i] = in.readFloat();
        }
        long count = in.readLong();
        double[] mean = readDoubles(in);
        double[] m2 = readDoubles(in);
        if (mean.length < 1 || m2.length != mean.length) {
            throw new IOException("contribution of " + replica + " has feature statistics of " + mean.length + "/"
                    + m2.length + " features");
        }
        Standardizer features = new Standardizer(mean.length, in.readBoolean());
        features.restore(count, mean, m2);
        TargetScale labels = new TargetScale();
        labels.restore(in.readLong(), in.readDouble(), in.readDouble());
        Map<String, Map<String, double[]>> heads = new LinkedHashMap<>();
        for (int s = in.readInt(); s > 0; s--) {
            String shape = in.readUTF();
            Map<String, double[]> byTask = new LinkedHashMap<>();
            for (int k = in.readInt(); k > 0; k--) {
                String task = in.readUTF();
                byTask.put(task, readDoubles(in));
            }
            heads.put(shape, byTask);
        }
        Map<TaskType, List<double[]>> starts = new EnumMap<>(TaskType.class);
        for (int s = in.readInt(); s > 0; s--) {
            TaskType type = TaskType.valueOf(in.readUTF());
            List<double[]> losses = new ArrayList<>();
            for (int k = in.readInt(); k > 0; k--) {
                losses.add(readDoubles(in));
            }
            starts.put(type, losses);
        }
        OptimizerState optimizer = null;
        if (version >= 7 && in.readBoolean()) {
            long at = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > bytes.length) {
                throw new IOException("contribution of " + replica + " claims " + length + " bytes of optimiser state in "
                        + bytes.length);
            }
            byte[] state = new byte[length];
            in.readFully(state);
            optimizer = new OptimizerState(at, state);
        }
        return new Contribution(replica, origin, generation, steps, delta, features, labels, heads, starts, optimizer);
    }

    /**
     * The entry of one key: the task of that id (if there is one) and the head of that key (if there
     * is one). Null when the learner has neither.
     */
    public static byte[] encodeKey(MultiTaskLearner learner, String key) {
        TaskState task = learner.tasks().get(key);
        TaskHead head = learner.heads().get(key);
        if (task == null && head == null) {
            return null;
        }
        return bytes(4096, out -> {
            out.writeInt(ENTRY_VERSION);
            out.writeBoolean(task != null);
            if (task != null) {
                out.writeUTF(task.type().name());
                out.writeInt(task.classes());
                out.writeLong(task.events());
                out.writeLong(task.lastSeen());
                Standardizer f = task.features();
                out.writeLong(f.count());
                writeDoubles(out, f.meanArray());
                writeDoubles(out, f.m2Array());
                if (task.target() != null) {
                    out.writeLong(task.target().count());
                    out.writeDouble(task.target().mean());
                    out.writeDouble(task.target().m2());
                }
            }
            out.writeBoolean(head != null);
            if (head != null) {
                out.writeUTF(head.trunkHead().type().name());
                out.writeInt(head.trunkHead().outputs());
                // A task still choosing its start is stored with the candidate its blend trusts most: the
                // candidates themselves are not stored, and a restored task continues from that one.
                writeHead(out, head.trunkHead(), head.start() != null ? head.start().winner() : null);
                out.writeBoolean(head.blended());
                if (head.blended()) {
                    writeHead(out, head.localHead(), null);
                    out.writeLong(head.blend().count());
                    out.writeDouble(head.blend().trunkLoss());
                    out.writeDouble(head.blend().localLoss());
                    out.writeDouble(head.blend().initialTrunkWeight());
                }
                // The kept candidate by index (NewTaskStart's order), then its window losses: none for a head
                // restored from format 2, which did not keep them.
                int taken = head.start() != null ? -1 : head.startCandidate();
                out.writeInt(taken);
                if (taken >= 0) {
                    double[] losses = head.startLosses();
                    writeDoubles(out, losses == null ? new double[0] : losses);
                }
            }
        });
    }

    /** Restores one key entry into a learner whose trunk entry is already restored. */
    public static void decodeKey(MultiTaskLearner learner, String key, byte[] entry) throws IOException {
        DataInputStream in = input(entry);
        int version = checkVersion(in, "key " + key);
        if (in.readBoolean()) {
            TaskType type = TaskType.valueOf(in.readUTF());
            int classes = in.readInt();
            long events = in.readLong();
            long lastSeen = in.readLong();
            TaskState task = new TaskState(type, classes, events, lastSeen, learner.inputDim(),
                    learner.config().standardize());
            if (version >= 4) {
                // Format 4 added each task's own feature and label statistics; a task from an older
                // entry starts them anew (scaled like the stream until it has its own).
                long count = in.readLong();
                double[] mean = readDoubles(in);
                double[] m2 = readDoubles(in);
                if (mean.length != learner.inputDim() || m2.length != learner.inputDim()) {
                    throw new IOException("task " + key + " has statistics of " + mean.length + " features, expected "
                            + learner.inputDim());
                }
                task.features().restore(count, mean, m2);
                if (task.target() != null) {
                    task.target().restore(in.readLong(), in.readDouble(), in.readDouble());
                }
            }
            learner.putTask(key, task);
        }
        if (in.readBoolean()) {
            if (learner.inputDim() == 0) {
                throw new IOException("head " + key + " stored without a trunk entry");
            }
            TaskType type = TaskType.valueOf(in.readUTF());
            int outputs = in.readInt();
            TaskHead th = learner.emptyTaskHead(type, outputs);
            readHead(in, version, key, th.trunkHead());
            boolean blended = in.readBoolean();
            if (blended != th.blended()) {
                throw new IOException("head " + key + (blended ? " has" : " lacks") + " a local head, this configuration "
                        + (blended ? "does not" : "does"));
            }
            if (blended) {
                readHead(in, version, key, th.localHead());
                long count = in.readLong();
                double trunkLoss = in.readDouble();
                double localLoss = in.readDouble();
                th.blend().restore(count, trunkLoss, localLoss);
                if (version >= 2) {
                    th.blend().restoreInitialTrunkWeight(in.readDouble());
                }
            }
            if (version == 2) {
                // Format 2 kept the start's kind (its starts ran at one rate) and no window losses.
                String taken = in.readUTF();
                if (!taken.isEmpty()) {
                    th.restoreStart(NewTaskStart.format2Candidate(NewTaskStart.Kind.valueOf(taken)), null);
                }
            } else if (version >= 3) {
                int taken = in.readInt();
                if (taken < -1 || taken >= NewTaskStart.CANDIDATES) {
                    throw new IOException("head " + key + " kept start candidate " + taken + "; this build has 0 to "
                            + (NewTaskStart.CANDIDATES - 1));
                }
                if (taken >= 0) {
                    double[] losses = readDoubles(in);
                    if (version < 5 && losses.length == NewTaskStart.CANDIDATES - 1) {
                        // Before format 5 there was no Newton candidate: those losses are no evidence for
                        // today's candidates, and the task's kept index still means what it meant.
                        losses = new double[0];
                    }
                    if (losses.length != 0 && losses.length != NewTaskStart.CANDIDATES) {
                        throw new IOException("head " + key + " has " + losses.length + " start losses, not "
                                + NewTaskStart.CANDIDATES);
                    }
                    th.restoreStart(taken, losses.length == 0 ? null : losses);
                }
            }
            learner.putHead(key, th);
        }
    }

    /** Every key the learner has an entry for: task ids and head keys, in order of first appearance. */
    public static Collection<String> keys(MultiTaskLearner learner) {
        Set<String> keys = new LinkedHashSet<>(learner.tasks().keySet());
        keys.addAll(learner.heads().keySet());
        return keys;
    }

    /**
     * Writes a rated head: its copies (counts, weights, step rule's state) and its mixture's state;
     * {@code weights} replaces every copy's weights when not null.
     */
    private static void writeHead(DataOutputStream out, RatedHead rated, double[] weights) throws IOException {
        Head[] copies = rated.copies();
        out.writeInt(copies.length);
        for (Head h : copies) {
            out.writeLong(h.events());
            out.writeLong(h.labeledEvents());
            writeDoubles(out, weights != null ? weights : h.weightArray());
            h.rate().writeState(out);
        }
        if (rated.mixture() != null) {
            rated.mixture().writeState(out);
        }
    }

    /**
     * Reads a rated head. Formats before 5 stored one head: it becomes every copy (the mixture starts
     * afresh); a stored head whose copies do not match this configuration's is refused.
     */
    private static void readHead(DataInputStream in, int version, String key, RatedHead rated) throws IOException {
        Head[] copies = rated.copies();
        int stored = version >= 5 ? in.readInt() : 1;
        if (stored != 1 && stored != copies.length) {
            throw new IOException("head " + key + " has " + stored + " rate copies, this configuration " + copies.length);
        }
        for (int c = 0; c < stored; c++) {
            long events = in.readLong();
            long labeledEvents = in.readLong();
            double[] weights = readDoubles(in);
            if (weights.length != copies[c].weightArray().length) {
                throw new IOException("head " + key + " has " + weights.length + " weights, this configuration "
                        + copies[c].weightArray().length);
            }
            if (stored == 1) {
                rated.setWeights(weights);
            } else {
                System.arraycopy(weights, 0, copies[c].weightArray(), 0, weights.length);
            }
            copies[c].restoreCounts(events, labeledEvents);
            copies[c].rate().readState(in);
        }
        if (version >= 5 && stored > 1 && rated.mixture() != null) {
            rated.mixture().readState(in);
        }
    }

    private static int checkVersion(DataInputStream in, String what) throws IOException {
        return checkVersion(in, what, ENTRY_VERSION);
    }

    private static int checkVersion(DataInputStream in, String what, int newest) throws IOException {
        int version = in.readInt();
        if (version < 1 || version > newest) {
            throw new IOException(what + " entry has format version " + version + "; this build reads 1 to " + newest);
        }
        return version;
    }

    private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
        StateIO.writeDoubles(out, a);
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        return StateIO.readDoubles(in);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(int expectedSize, Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(expectedSize);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] entry) {
        return new DataInputStream(new ByteArrayInputStream(entry));
    }
}
