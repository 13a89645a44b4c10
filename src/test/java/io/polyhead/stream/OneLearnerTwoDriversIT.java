package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.Prediction;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One learner, two drivers: with one partition and the same batch size, the predictions on the topic
 * equal those of {@code polyhead evaluate}'s driver on the same events, to the last bit.
 */
class OneLearnerTwoDriversIT extends StreamTestBase {

    @Test
    void predictionsOnTheTopicEqualThoseOfEvaluate(@TempDir Path dir) throws Exception {
        // A linger far longer than the run: batches are cut only when full, as in evaluate.
        StreamOptions o = options("twodrivers").withPartitions(1).withLinger(Duration.ofSeconds(20));
        createTopics(o, 1);
        LearnerConfig config = LearnerConfig.defaults().toBuilder().batchSize(16).build();
        StreamGenerator gen = Generators.create(Generators.Name.LOWRANK,
                GeneratorOptions.defaults().withTasks(6).withDim(8).withSeed(11));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3200; i++) { // a multiple of the batch size
            events.add(gen.next());
        }
        List<Prediction> expected = new ArrayList<>();
        PrequentialRun run = new PrequentialRun(new MultiTaskLearner(config), new PrequentialMetrics(), expected::add);
        events.forEach(run::offer);
        run.flush();

        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("max.in.flight.requests.per.connection", 1); // see EventProducer
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(o.eventsTopic(), e.task().getBytes(StandardCharsets.UTF_8),
                        EventJson.toBytes(e)));
            }
        }
        Outputs outputs = new Outputs(o);
        try (PolyheadStreams app = startApp(o, config, dir.resolve("state"), "polyhead-two-drivers")) {
            outputs.readUntil(events.size(), Duration.ofSeconds(120));
        } finally {
            outputs.close();
        }
        assertEquals(expected.size(), outputs.predictions.size());
        for (int i = 0; i < expected.size(); i++) {
            Prediction want = expected.get(i);
            Prediction got = outputs.predictions.get(i);
            assertEquals(want.id(), got.id());
            assertEquals(want.score(), got.score(), 0.0, "prediction " + i);
            assertEquals(want.modelVersion(), got.modelVersion(), "prediction " + i);
        }
    }
}
