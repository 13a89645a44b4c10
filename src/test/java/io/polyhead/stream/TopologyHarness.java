package io.polyhead.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polyhead.event.Prediction;
import io.polyhead.event.PredictionJson;
import io.polyhead.model.LearnerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The real topology in a {@link TopologyTestDriver}, with helpers to send events and read outputs. */
final class TopologyHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> events;
    final TestOutputTopic<byte[], byte[]> predictions;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    private Instant time = Instant.parse("2026-01-01T00:00:00Z");
    private final java.nio.file.Path stateDir;

    TopologyHarness(LearnerConfig learner, StreamOptions options) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "polyhead-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        // A state directory of its own: the unit tests run in two JVMs at once, and RocksDB locks a store's directory.
        try {
            stateDir = java.nio.file.Files.createTempDirectory("polyhead-harness");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(PolyheadTopology.build(learner, options, registry), props);
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer des = new ByteArrayDeserializer();
        events = driver.createInputTopic(options.eventsTopic(), ser, ser);
        predictions = driver.createOutputTopic(options.predictionsTopic(), des, des);
        deadLetters = driver.createOutputTopic(options.deadLetterTopic(), des, des);
    }

    /**
     * Sends one record to the input topic. The driver carries what the first stage writes to the
     * by-task topic on to the learner by itself, since the same topology reads that topic.
     */
    void send(String key, String value) {
        send(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] key, byte[] value) {
        time = time.plusMillis(1);
        events.pipeInput(key, value, time);
    }

    /** Sends a record with the harness clock moved forward by {@code advance} first. */
    void sendLater(java.time.Duration advance, String key, String value) {
        time = time.plus(advance);
        send(key, value);
    }

    /** Lets the linger punctuation learn a partial batch. */
    void linger() {
        driver.advanceWallClockTime(Duration.ofSeconds(1));
    }

    /**
     * What a stream thread does between polls: its wall-clock punctuations run, and so the validate stage's
     * progress mark goes out ({@link EventValidator#MARK_EVERY_MS}) and the learner learns the batches it covers.
     */
    void punctuate() {
        driver.advanceWallClockTime(Duration.ofMillis(EventValidator.MARK_EVERY_MS));
    }

    /** The predictions out so far, after one round of punctuations ({@link #punctuate}). */
    List<Prediction> readPredictions() {
        punctuate();
        List<Prediction> out = new ArrayList<>();
        while (!predictions.isEmpty()) {
            out.add(PredictionJson.read(predictions.readValue()));
        }
        return out;
    }

    List<JsonNode> readDeadLetters() {
        List<JsonNode> out = new ArrayList<>();
        while (!deadLetters.isEmpty()) {
            try {
                out.add(JSON.readTree(deadLetters.readValue()));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        driver.close();
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
