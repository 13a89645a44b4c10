package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.Prediction;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real topology in {@code TopologyTestDriver}: order, dead letters, head kinds, new tasks. */
class LearnerTopologyTest {
    private static final LearnerConfig CONFIG = LearnerConfig.defaults().toBuilder().batchSize(4).hidden(16).build();

    private static String event(String task, String features, String extra) {
        return "{\"task\":\"" + task + "\",\"features\":" + features + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void predictsThenTrainsInBatchesAndFlushesAPartialBatchAfterTheLinger() {
        try (TopologyHarness h = new TopologyHarness(CONFIG, StreamOptions.defaults())) {
            for (int i = 0; i < 6; i++) {
                h.send("a", event("a", "[1, 2, 3]", "\"label\": 5, \"id\": \"e" + i + "\""));
            }
            List<Prediction> first = h.readPredictions();
            assertEquals(4, first.size(), "one full batch of 4 learned, 2 events waiting");
            for (Prediction p : first) {
                assertEquals(0, p.modelVersion(), "the whole first batch is predicted before the trunk's step");
            }
            assertTrue(first.get(3).loss() < first.get(0).loss(), "each event answered after the labels before it: " + first);
            assertTrue(first.get(0).newTask());
            assertFalse(first.get(1).newTask());
            assertEquals("e0", first.get(0).id());
            h.linger();
            List<Prediction> rest = h.readPredictions();
            assertEquals(2, rest.size());
            assertEquals(1, rest.get(0).modelVersion());
            assertTrue(rest.get(0).loss() < first.get(0).loss(), "learned from the first batch");
            assertEquals(6, rest.get(1).taskEvents());
        }
    }

    @Test
    void aPredictionCarriesItsInputRecordsTimestampNotTheEventsOwn() {
        try (TopologyHarness h = new TopologyHarness(CONFIG, StreamOptions.defaults())) {
            // A replay: events stamped a year before they are produced. Outputs stamped like them were
            // deleted by retention before anyone read them (topics keep 7 days by record timestamp).
            for (int i = 0; i < 4; i++) {
                h.send(i % 2 == 0 ? "a" : null, event("a", "[1, 2, 3]", "\"label\": 5, \"timestamp\": 1732838400000"));
            }
            h.punctuate();
            List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> out = h.predictions.readRecordsToList();
            assertEquals(4, out.size());
            for (var r : out) {
                assertTrue(r.timestamp() >= java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(),
                        "the record's timestamp, not the event's 2024 one: " + r.timestamp());
            }
        }
    }

    @Test
    void unkeyedEventsAreRekeyedByTask() {
        try (TopologyHarness h = new TopologyHarness(CONFIG, StreamOptions.defaults())) {
            h.send((String) null, event("sensor-1", "[1, 2, 3]", "\"label\": 1"));
            h.linger();
            var record = h.predictions.readRecord();
            assertEquals("sensor-1", new String(record.key(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON              | hello                                                   | $     | not valid JSON",
        "not an object         | [1, 2, 3]                                               | $     | expected a JSON object",
        "missing task          | {\"features\": [1, 2, 3]}                              | task  | missing",
        "bad task id           | {\"task\": \"a b\", \"features\": [1, 2, 3]}          | task  | \"a b\"",
        "wrong feature count   | {\"task\": \"a\", \"features\": [1, 2]}               | features | has 2 values, the model's input dimension is 3",
        "NaN feature           | {\"task\": \"a\", \"features\": [1, NaN, 3]}          | features | Got: NaN",
        "Infinity feature      | {\"task\": \"a\", \"features\": [1, 2, Infinity]}     | features | Got: Infinity",
        "non-numeric feature   | {\"task\": \"a\", \"features\": [1, \"x\", 3]}       | features | the string \"x\"",
        "binary label 2        | {\"task\": \"a\", \"features\": [1, 2, 3], \"label\": 2} | label | must be 0 or 1. Got: 2",
        "type change           | {\"task\": \"a\", \"features\": [1, 2, 3], \"type\": \"regression\"} | type | task a is binary, this event says regression",
        "key mismatch          | {\"task\": \"other\", \"features\": [1, 2, 3]}       | task  | differs from the record key",
    })
    void badInputGoesToTheDeadLetterTopicWithAPreciseReasonAndTheStreamGoesOn(String name, String value,
                                                                               String field, String reason) {
        try (TopologyHarness h = new TopologyHarness(CONFIG, StreamOptions.defaults())) {
            h.send("a", event("a", "[1, 2, 3]", "\"label\": 1, \"type\": \"binary\""));
            String key = name.equals("key mismatch") ? "a" : null;
            h.send(key, value);
            h.send("a", event("a", "[1, 2, 3]", "\"label\": 0"));
            h.linger();
            List<JsonNode> dead = h.readDeadLetters();
            assertEquals(1, dead.size(), name);
            JsonNode letter = dead.get(0);
            assertEquals(field, letter.get("field").asText(), letter.toString());
            assertTrue(letter.get("reason").asText().contains(reason), letter.get("reason").asText());
            assertEquals(value, new String(Base64.getDecoder().decode(letter.get("valueBase64").asText()),
                    StandardCharsets.UTF_8));
            // Where the user produced it, also when the learner stage rejected it after the re-key hop.
            assertEquals("polyhead.events", letter.get("topic").asText(), letter.toString());
            assertEquals(1, letter.get("offset").asLong(), "the second record sent: " + letter);
            assertEquals(2, h.readPredictions().size(), "the good events around it are predicted");
            assertEquals(1.0, h.registry.find(DeadLetters.METRIC).tag("field", field).counters().stream()
                    .mapToDouble(c -> c.count()).sum(), 0.0);
        }
    }

    @Test
    void oversizedRecordsAndTooManyTasksAreDeadLettered() {
        StreamOptions options = StreamOptions.defaults().withMaxTasks(2)
                .withParser(StreamOptions.defaults().parser().withMaxRecordBytes(200));
        try (TopologyHarness h = new TopologyHarness(CONFIG, options)) {
            h.send("a", event("a", "[1, 2, 3]", "\"label\": 1, \"pad\": \"" + "x".repeat(300) + "\""));
            h.send("a", event("a", "[1, 2, 3]", "\"label\": 1"));
            h.send("b", event("b", "[1, 2, 3]", "\"label\": 1"));
            h.send("c", event("c", "[1, 2, 3]", "\"label\": 1"));
            h.linger();
            List<JsonNode> dead = h.readDeadLetters();
            assertEquals(2, dead.size());
            assertTrue(dead.get(0).get("reason").asText().contains("the limit is 200"), dead.get(0).toString());
            assertTrue(dead.get(1).get("reason").asText().contains("the limit is 2 (--max-tasks)"), dead.get(1).toString());
            assertEquals(2, h.readPredictions().size());
        }
    }

    @Test
    void multiclassAndRegressionHeadsAndNewTasks() {
        try (TopologyHarness h = new TopologyHarness(CONFIG, StreamOptions.defaults())) {
            h.send("m", event("m", "[1, 0, 0]", "\"label\": 2, \"type\": \"multiclass\", \"classes\": 3"));
            h.send("r", event("r", "[0, 1, 0]", "\"label\": 2.5, \"type\": \"regression\""));
            h.send("m", event("m", "[0, 0, 1]", "\"label\": 0"));
            h.send("r", event("r", "[0, 1, 1]", ""));
            List<Prediction> p = h.readPredictions();
            assertEquals(4, p.size());
            assertEquals(TaskType.MULTICLASS, p.get(0).type());
            assertEquals(3, p.get(0).probabilities().length);
            assertTrue(p.get(0).newTask() && p.get(1).newTask() && !p.get(2).newTask());
            assertEquals(TaskType.REGRESSION, p.get(1).type());
            assertNotNull(p.get(1).loss());
            assertNull(p.get(3).loss(), "an unlabeled event is predicted, not learned");
            assertFalse(p.get(3).trained());
        }
    }

    @Test
    void predictionsEqualThoseOfEvaluateOnTheSameEvents() {
        LearnerConfig config = LearnerConfig.defaults().toBuilder().batchSize(8).build();
        StreamGenerator gen = Generators.create(Generators.Name.LOWRANK,
                GeneratorOptions.defaults().withTasks(5).withDim(8).withSeed(3));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            events.add(gen.next());
        }
        List<Prediction> expected = new ArrayList<>();
        PrequentialRun run = new PrequentialRun(new MultiTaskLearner(config), new PrequentialMetrics(), expected::add);
        events.forEach(run::offer);
        run.flush();
        try (TopologyHarness h = new TopologyHarness(config, StreamOptions.defaults())) {
            for (Event e : events) {
                h.send(e.task(), EventJson.toJson(e));
            }
            h.linger();
            List<Prediction> got = h.readPredictions();
            assertEquals(expected.size(), got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(expected.get(i).score(), got.get(i).score(), 1e-12, "prediction " + i);
                assertEquals(expected.get(i).modelVersion(), got.get(i).modelVersion());
            }
        }
    }

    @Test
    void idleTasksAreEvictedAfterTheirTtlInEventTime() {
        StreamOptions options = StreamOptions.defaults().withTaskTtl(java.time.Duration.ofSeconds(10));
        try (TopologyHarness h = new TopologyHarness(CONFIG.toBuilder().batchSize(1).build(), options)) {
            h.send("old", event("old", "[1, 2, 3]", "\"label\": 1, \"timestamp\": 1000"));
            h.send("new", event("new", "[1, 2, 3]", "\"label\": 1, \"timestamp\": 2000"));
            for (int i = 0; i < 5; i++) {
                h.sendLater(java.time.Duration.ofSeconds(5), "new",
                        event("new", "[1, 2, 3]", "\"label\": 1, \"timestamp\": " + (2000 + 5000 * (i + 1))));
                h.punctuate(); // its validate lane's mark: the learner holds it, and learns it
            }
            assertEquals(1.0, h.registry.find("polyhead.tasks.evicted").counter().count(), 0.0);
            h.send("old", event("old", "[1, 2, 3]", "\"label\": 1, \"timestamp\": 40000"));
            List<Prediction> p = h.readPredictions();
            Prediction back = p.get(p.size() - 1);
            assertEquals("old", back.task());
            assertTrue(back.newTask(), "an evicted task starts again with a new head");
            assertEquals(0.0, h.registry.find("polyhead.tasks.evicted").counter().count() - 1.0, 0.0);
        }
    }
}
