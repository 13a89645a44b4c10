package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.meta.NewTaskStart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Old snapshots still load and predict as they did: snapshots written by format versions 1 and 2 are
 * committed with the predictions they gave, and must give them again. Version 2 (meta-learner on,
 * sinusoid tasks appearing over time) also has tasks that chose a start before starts had rates.
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
        MultiTaskLearner learner = load("learner-v1.snap");
        assertPredictions("learner-v1.expected", predict(learner));
    }

    @Test
    void version2SnapshotLoadsWithItsStartsAndPredictsAsWhenSaved() throws IOException {
        // Written with 3,200 events of `sinusoid` (14 tasks, 6 at first, a new one every 300, seed 8),
        // hidden 16,8, batch 16; probes: 60 events of `sinusoid` seed 99 without labels.
        MultiTaskLearner learner = load("learner-v2.snap");
        assertEquals(NewTaskStart.Kind.MEAN, learner.heads().get("task-007").startTaken());
        assertEquals("mean@0.5", NewTaskStart.nameOf(learner.heads().get("task-007").startCandidate()));
        assertEquals(NewTaskStart.Kind.SUBSPACE, learner.heads().get("task-013").startTaken());
        assertNull(learner.heads().get("task-013").startLosses(), "format 2 kept no window losses");
        assertNull(learner.heads().get("task-000").startTaken());
        StreamGenerator probes = Generators.create(Generators.Name.SINUSOID, GeneratorOptions.defaults().withTasks(14).withSeed(99));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Event e = probes.next();
            events.add(new Event(e.task(), e.id(), e.features(), null, null, null, null));
        }
        events.forEach(learner::admit);
        assertPredictions("learner-v2.expected", learner.learn(events));

        // Saved again in the current format, it keeps its starts (without window losses) and loads again.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        LearnerSnapshot.write(learner, bytes);
        MultiTaskLearner again = LearnerSnapshot.read(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(learner.heads().get("task-007").startCandidate(), again.heads().get("task-007").startCandidate());
        assertNull(again.heads().get("task-007").startLosses());
    }

    private MultiTaskLearner load(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/snapshots/" + name)) {
            return LearnerSnapshot.read(in);
        }
    }

    private void assertPredictions(String expectedResource, List<Prediction> got) throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/snapshots/" + expectedResource)) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = expected.strip().split("\n");
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
