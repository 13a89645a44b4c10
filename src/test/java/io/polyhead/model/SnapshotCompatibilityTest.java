package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Old snapshots still load and predict as they did: a snapshot written by format version 1 is
 * committed with the predictions it gave, and must give them again.
 *
 * <p>To write a fixture for a new format version, run {@link #main} from the project directory.
 */
class SnapshotCompatibilityTest {
    private static final Path DIR = Path.of("src/test/resources/snapshots");

    /** Predict-only probe events: a pure function of the saved state, whatever learning rules do later. */
    static List<Event> probes() {
        List<Event> probes = new ArrayList<>();
        for (Event e : MultiTaskLearnerTest.stream(60, 99)) {
            probes.add(new Event(e.task(), e.id(), e.features(), null, null, null, null));
        }
        return probes;
    }

    static List<Prediction> predict(MultiTaskLearner learner) {
        List<Event> probes = probes();
        probes.forEach(learner::admit);
        return learner.learn(probes);
    }

    @Test
    void version1SnapshotLoadsAndPredictsAsWhenSaved() throws IOException {
        MultiTaskLearner learner;
        try (InputStream in = getClass().getResourceAsStream("/snapshots/learner-v1.snap")) {
            learner = LearnerSnapshot.read(in);
        }
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/snapshots/learner-v1.expected")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = expected.strip().split("\n");
        List<Prediction> got = predict(learner);
        assertEquals(lines.length, got.size());
        for (int i = 0; i < lines.length; i++) {
            assertEquals(Double.parseDouble(lines[i]), got.get(i).score(), 1e-12, "probe " + i);
        }
    }

    /** Writes the fixture for the current format version. */
    public static void main(String[] args) throws IOException {
        MultiTaskLearner learner = new MultiTaskLearner(
                LearnerConfig.defaults().toBuilder().hidden(16, 8).batchSize(16).build());
        MultiTaskLearnerTest.run(learner, MultiTaskLearnerTest.stream(800, 1));
        int v = LearnerSnapshot.FORMAT_VERSION;
        Files.createDirectories(DIR);
        LearnerSnapshot.save(learner, DIR.resolve("learner-v" + v + ".snap"));
        MultiTaskLearner loaded = LearnerSnapshot.load(DIR.resolve("learner-v" + v + ".snap"));
        StringBuilder sb = new StringBuilder();
        for (Prediction p : predict(loaded)) {
            sb.append(p.score()).append('\n');
        }
        Files.writeString(DIR.resolve("learner-v" + v + ".expected"), sb.toString());
    }
}
