package io.polyhead.eval;

import io.polyhead.eval.gen.CsvTable;
import io.polyhead.eval.gen.TableStream;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real-data streams the learner is measured on, made from the public tables in
 * {@code src/test/resources/data} exactly as {@code polyhead generate table} makes them, and run the way
 * a user runs them: written as JSONL with named features and evaluated with {@code --input-dim 64}
 * (the features hashed). {@code polyhead bench real} and the real-data tests share this class.
 */
public final class RealDataExperiment {
    /** The hashed input dimension of both streams. */
    public static final int INPUT_DIM = 64;
    public static final long HETEROGENEOUS_EVENTS = 30_000;
    public static final long LETTERS_EVENTS = 60_000;
    static final List<String> VOWELS = List.of("A", "E", "I", "O", "U");

    private RealDataExperiment() {
    }

    /**
     * Five binary tasks {@code letter-A|E|I|O|U} ("is it this letter?", balanced), one multiclass task
     * {@code vehicle} (4 classes) and one regression task {@code quakes} ({@code stations} on its raw
     * scale), all from the start, drawn at random. The same stream as
     * {@code polyhead generate table letter-recognition.csv --label-column lettr --as binary --classes A,E,I,O,U
     * --task letter vehicle-silhouettes.csv --label-column Class --as multiclass --task vehicle
     * fiji-quakes.csv --label-column stations --as regression --task quakes --seed S}.
     */
    public static TableStream heterogeneous(Path dataDir, long seed) throws IOException {
        return new TableStream(List.of(
                TableStream.Table.of(CsvTable.read(dataDir.resolve("letter-recognition.csv")), "lettr")
                        .withAs(TaskType.BINARY).withClasses(VOWELS).withPrefix("letter"),
                TableStream.Table.of(CsvTable.read(dataDir.resolve("vehicle-silhouettes.csv")), "Class")
                        .withAs(TaskType.MULTICLASS).withPrefix("vehicle"),
                TableStream.Table.of(CsvTable.read(dataDir.resolve("fiji-quakes.csv")), "stations")
                        .withAs(TaskType.REGRESSION).withPrefix("quakes")), seed, 0, 1);
    }

    /**
     * The 26 letters as binary tasks {@code letter-X}, 10 from the start and one new every 2,000 events:
     * {@code polyhead generate table letter-recognition.csv --label-column lettr --as binary --task letter
     * --initial-tasks 10 --new-task-every 2000 --seed S}.
     */
    public static TableStream letters(Path dataDir, long seed) throws IOException {
        return new TableStream(List.of(
                TableStream.Table.of(CsvTable.read(dataDir.resolve("letter-recognition.csv")), "lettr")
                        .withAs(TaskType.BINARY).withPrefix("letter")), seed, 2000, 10);
    }

    /** The first {@code events} events of {@code stream} as JSONL with named features, as the CLI writes them. */
    public static byte[] jsonl(TableStream stream, long events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            stream.write(out, events, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The first {@code events} lines of a JSONL buffer (all of it when it has fewer). */
    public static byte[] firstLines(byte[] jsonl, long events) {
        long lines = 0;
        for (int i = 0; i < jsonl.length; i++) {
            if (jsonl[i] == '\n' && ++lines == events) {
                return java.util.Arrays.copyOf(jsonl, i + 1);
            }
        }
        return jsonl;
    }

    /** Evaluates a fresh learner of {@code config} (its input dimension set to {@link #INPUT_DIM}) over JSONL. */
    public static PrequentialRun run(byte[] jsonl, LearnerConfig config) {
        LearnerConfig c = config.toBuilder().inputDim(INPUT_DIM).build();
        return drive(jsonl, new PrequentialRun(new MultiTaskLearner(c), new PrequentialMetrics(), null));
    }

    /**
     * The same over {@code replicas} replicas of a shared model on {@code instances} processes
     * ({@link ReplicatedRun}, contributions between processes every {@code syncEvery} events per replica).
     */
    public static ReplicatedRun runReplicated(byte[] jsonl, LearnerConfig config, int replicas, int instances,
            int syncEvery) {
        LearnerConfig c = config.toBuilder().inputDim(INPUT_DIM).build();
        return drive(jsonl, new ReplicatedRun(c, replicas, instances, syncEvery, new PrequentialMetrics(), null));
    }

    private static <D extends EventDriver> D drive(byte[] jsonl, D driver) {
        try {
            JsonlEvaluator.evaluate(new ByteArrayInputStream(jsonl), driver, INPUT_DIM, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return driver;
    }

    /**
     * The heterogeneous stream's figures: the five letter tasks' mean log loss, {@code letter-O}'s
     * accuracy, {@code vehicle}'s cross-entropy and accuracy, {@code quakes}' mean squared error.
     */
    public record Heterogeneous(double letterLogLoss, double letterOAccuracy, double vehicleLoss,
                                double vehicleAccuracy, double quakesMse) {

        public static Heterogeneous of(PrequentialMetrics m) {
            double letters = 0;
            for (String v : VOWELS) {
                letters += m.task("letter-" + v).meanLoss();
            }
            return new Heterogeneous(letters / VOWELS.size(), m.task("letter-O").accuracy(),
                    m.task("vehicle").meanLoss(), m.task("vehicle").accuracy(), m.task("quakes").meanLoss());
        }

        /** Whether every figure is at least as good as {@code other}'s (lower losses, higher accuracies). */
        public boolean atLeastAsGoodAs(Heterogeneous other) {
            return letterLogLoss <= other.letterLogLoss && letterOAccuracy >= other.letterOAccuracy
                    && vehicleLoss <= other.vehicleLoss && vehicleAccuracy >= other.vehicleAccuracy
                    && quakesMse <= other.quakesMse;
        }

        /** Whether every figure is better than {@code other}'s. */
        public boolean betterThan(Heterogeneous other) {
            return letterLogLoss < other.letterLogLoss && letterOAccuracy > other.letterOAccuracy
                    && vehicleLoss < other.vehicleLoss && vehicleAccuracy > other.vehicleAccuracy
                    && quakesMse < other.quakesMse;
        }
    }

    /**
     * The per-task scikit-learn reference on the heterogeneous stream (one 64-64 MLP per task, Adam,
     * {@code partial_fit} per 32 of the task's events, features and targets standardised online), as the
     * real-data issue measured it; {@code src/bench/python/sklearn_per_task.py} measures it again on any
     * stream (scikit-learn 1.2.1, seed 1, on this stream's seed 1: 0.327 / 85.5% / 0.921 / 63.4% / 171).
     */
    public static final Heterogeneous SKLEARN_REFERENCE = new Heterogeneous(0.321, 0.839, 0.948, 0.639, 156);

    /** Every task's loss is a finite number (none is missing either). */
    public static List<String> nonFiniteTasks(PrequentialMetrics m) {
        List<String> bad = new ArrayList<>();
        for (TaskMetrics t : m.tasks()) {
            if (t.labeled() > 0 && !Double.isFinite(t.meanLoss())) {
                bad.add(t.task());
            }
        }
        return bad;
    }
}
