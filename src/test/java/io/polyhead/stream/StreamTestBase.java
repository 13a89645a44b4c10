package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polyhead.broker.EmbeddedKafkaBroker;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.Prediction;
import io.polyhead.event.PredictionJson;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * An embedded broker per test class, and what the stream integration tests share: topics, inputs with
 * known ids (one in 100 not JSON, one in 7 without a key), and a read_committed reader of the outputs
 * with the checks of the exactly-once invariant.
 */
abstract class StreamTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedKafkaBroker broker;
    /** The cluster the test talks to: the embedded broker, or a container in the Testcontainers variants. */
    static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    static void createTopics(StreamOptions o, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(o.eventsTopic(), partitions, (short) 1),
                    new NewTopic(o.byTaskTopic(), partitions, (short) 1),
                    new NewTopic(o.predictionsTopic(), partitions, (short) 1),
                    new NewTopic(o.deadLetterTopic(), 1, (short) 1),
                    new NewTopic(o.syncTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
    }

    static StreamOptions options(String prefix) {
        return StreamOptions.defaults().withTopics(prefix + ".events", prefix + ".by-task", prefix + ".predictions",
                prefix + ".dlq").withPartitions(4);
    }

    static PolyheadStreams startApp(StreamOptions o, LearnerConfig config, Path stateDir, String appId)
            throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        return new PolyheadStreams(PolyheadTopology.build(config, o, new SimpleMeterRegistry()),
                StreamsSettings.properties(client, appId, stateDir, 1)).start(Duration.ofSeconds(60));
    }

    /** Produces the inputs: valid events, one in 100 not JSON, one in 7 without a key. Returns their ids. */
    static List<String> produce(StreamOptions o, int n) {
        StreamGenerator gen = Generators.create(Generators.Name.LOWRANK,
                GeneratorOptions.defaults().withTasks(8).withDim(8).withSeed(5));
        List<String> ids = new ArrayList<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One request in flight: see EventProducer (a batch to a just-created partition was lost otherwise).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Exception> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                Event e = gen.next();
                String id = "in-" + i;
                ids.add(id);
                Event withId = new Event(e.task(), id, e.features(), e.label(), e.type(), e.classes(), e.timestamp());
                byte[] value = i % 100 == 99 ? ("garbage " + id).getBytes(StandardCharsets.UTF_8)
                        : EventJson.toBytes(withId);
                byte[] key = i % 7 == 3 ? null : e.task().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(o.eventsTopic(), key, value), (m, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, error);
                    }
                });
            }
        }
        // An input the test could not write is the test's failure, not the learner's: say so.
        if (failed.get() > 0) {
            throw new AssertionError("the test's producer could not write " + failed.get() + " of " + n + " inputs",
                    firstFailure.get());
        }
        return ids;
    }

    /**
     * Reads predictions and dead letters (read_committed) until {@code total} arrived or the timeout. The
     * reader assigns itself every output partition and keeps its own positions: no consumer group, so a
     * group coordinator that moves or restarts (the broker-restart test) cannot send it back to an older
     * committed offset and make it read records twice.
     */
    static final class Outputs {
        final List<Prediction> predictions = new ArrayList<>();
        /** The partition each of {@link #predictions} was read from (a task's partition: keyed by task). */
        final List<Integer> partitions = new ArrayList<>();
        final List<JsonNode> deadLetters = new ArrayList<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final StreamOptions o;

        Outputs(StreamOptions o) {
            this.o = o;
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            io.polyhead.stream.client.OutputReader.assignAll(consumer, List.of(o.predictionsTopic(), o.deadLetterTopic()),
                    true);
        }

        /**
         * Everything committed on the output topics now, read again from the start by a reader of its own:
         * what a consumer arriving after the test would see, so duplicates in the log itself show here.
         */
        static Outputs rereadAll(StreamOptions o) throws Exception {
            Outputs again = new Outputs(o);
            try {
                Map<org.apache.kafka.common.TopicPartition, Long> end = again.consumer.endOffsets(again.consumer.assignment());
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (end.entrySet().stream().anyMatch(e -> again.consumer.position(e.getKey()) < e.getValue())
                        && System.nanoTime() < deadline) {
                    again.poll();
                }
            } finally {
                again.close();
            }
            return again;
        }

        int total() {
            return predictions.size() + deadLetters.size();
        }

        void readUntil(int total, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (total() < total && System.nanoTime() < deadline) {
                poll();
            }
        }

        private void poll() throws Exception {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(o.predictionsTopic())) {
                    predictions.add(PredictionJson.read(r.value()));
                    partitions.add(r.partition());
                } else {
                    deadLetters.add(JSON.readTree(r.value()));
                }
            }
        }

        void close() {
            consumer.close();
        }
    }

    /**
     * Checks the invariant: one output per input id, and per task the {@code taskEvents} of its
     * predictions are exactly 1..k — a model restarted from scratch would count again from 1, a
     * double-learned event would repeat a count, a lost one would leave a gap. Checked on what the test's
     * reader read while the stream ran and again on a fresh read of the whole output topics.
     */
    static void assertExactlyOnce(List<String> ids, Outputs outputs, String context) throws Exception {
        assertExactlyOnceIn(ids, outputs, "as read while the test ran; " + context);
        assertExactlyOnceIn(ids, Outputs.rereadAll(outputs.o), "the output topics read again from the start; " + context);
    }

    private static void assertExactlyOnceIn(List<String> ids, Outputs outputs, String context) {
        Map<String, Integer> seen = new HashMap<>();
        for (Prediction p : outputs.predictions) {
            seen.merge(p.id(), 1, Integer::sum);
        }
        for (JsonNode d : outputs.deadLetters) {
            seen.merge(d.get("value").asText().substring("garbage ".length()), 1, Integer::sum);
            assertEquals("$", d.get("field").asText());
        }
        assertEquals(ids.size(), outputs.total(), "one output per input; " + context);
        for (String id : ids) {
            assertEquals(1, seen.getOrDefault(id, 0), "outputs for " + id + "; " + context);
        }
        Map<String, java.util.BitSet> counts = new HashMap<>();
        Map<String, Integer> perTask = new HashMap<>();
        for (Prediction p : outputs.predictions) {
            java.util.BitSet b = counts.computeIfAbsent(p.task(), t -> new java.util.BitSet());
            assertTrue(!b.get((int) p.taskEvents()), "task " + p.task() + " counted event " + p.taskEvents()
                    + " twice: re-learned or restarted from scratch; " + context);
            b.set((int) p.taskEvents());
            perTask.merge(p.task(), 1, Integer::sum);
        }
        for (Map.Entry<String, java.util.BitSet> e : counts.entrySet()) {
            int k = perTask.get(e.getKey());
            assertEquals(k, e.getValue().cardinality());
            assertEquals(k, e.getValue().length() - 1, "task " + e.getKey() + " counts 1.." + k + " without gaps");
        }
    }

    /**
     * What the cluster knows when outputs are missing: the ids without an output and where their inputs
     * sit (partition, offset, keyed or not); the application's committed offsets against each input
     * partition's end; the records on every output partition, committed (read_committed) and all
     * (read_uncommitted); and every producer with an open transaction. For a test's failure message.
     */
    static String stallEvidence(List<String> ids, Outputs outputs, StreamOptions o, String applicationId) {
        StringBuilder sb = new StringBuilder("\n--- evidence of the stall ---\n");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            outputs.predictions.forEach(p -> seen.add(p.id()));
            outputs.deadLetters.forEach(d -> seen.add(d.get("value").asText().substring("garbage ".length())));
            List<String> missing = ids.stream().filter(id -> !seen.contains(id)).toList();
            sb.append(missing.size()).append(" inputs without an output, e.g. ")
                    .append(missing.subList(0, Math.min(10, missing.size()))).append('\n');
            java.util.Set<String> wanted = new java.util.HashSet<>(missing.subList(0, Math.min(10, missing.size())));
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<org.apache.kafka.common.TopicPartition> in = new ArrayList<>();
                for (String t : List.of(o.eventsTopic(), o.byTaskTopic())) {
                    c.partitionsFor(t).forEach(pi -> in.add(new org.apache.kafka.common.TopicPartition(t, pi.partition())));
                }
                c.assign(in);
                c.seekToBeginning(in);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(in);
                while (System.nanoTime() < deadline && in.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        String v = new String(r.value(), StandardCharsets.UTF_8);
                        for (String id : wanted) {
                            if (v.contains("\"" + id + "\"") || v.endsWith(" " + id)) {
                                sb.append("  ").append(id).append(" at ").append(r.topic()).append('-').append(r.partition())
                                        .append('@').append(r.offset()).append(r.key() == null ? " (no key)" : " (keyed)")
                                        .append('\n');
                            }
                        }
                    }
                }
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
                for (org.apache.kafka.common.TopicPartition tp : in) {
                    var off = committed.get(tp);
                    sb.append("  ").append(tp).append(": committed ").append(off == null ? "none" : off.offset())
                            .append(", end ").append(end.get(tp)).append('\n');
                }
                List<org.apache.kafka.common.TopicPartition> out = new ArrayList<>();
                for (String t : List.of(o.predictionsTopic(), o.deadLetterTopic())) {
                    c.partitionsFor(t).forEach(pi -> out.add(new org.apache.kafka.common.TopicPartition(t, pi.partition())));
                }
                Map<org.apache.kafka.common.TopicPartition, Long> outEnd = c.endOffsets(out);
                sb.append("  output partitions' end offsets (read_uncommitted): ").append(outEnd).append('\n');
                // A start above 0 means retention deleted outputs (records carrying old timestamps).
                sb.append("  output partitions' start offsets: ").append(c.beginningOffsets(out)).append('\n');
                // Were the missing inputs' outputs written at all (in a transaction that was then aborted)?
                c.assign(out);
                c.seekToBeginning(out);
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < until && out.stream().anyMatch(tp -> c.position(tp) < outEnd.get(tp))) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        String v = new String(r.value(), StandardCharsets.UTF_8);
                        for (String id : wanted) {
                            if (v.contains("\"" + id + "\"")) {
                                sb.append("  output of ").append(id).append(" at ").append(r.topic()).append('-')
                                        .append(r.partition()).append('@').append(r.offset()).append(" (read_uncommitted): ")
                                        .append(v, 0, Math.min(160, v.length())).append('\n');
                            }
                        }
                    }
                }
            }
            Properties q = new Properties();
            q.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            q.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(q, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<org.apache.kafka.common.TopicPartition> out = new ArrayList<>();
                for (String t : List.of(o.predictionsTopic(), o.deadLetterTopic(), o.byTaskTopic())) {
                    c.partitionsFor(t).forEach(pi -> out.add(new org.apache.kafka.common.TopicPartition(t, pi.partition())));
                }
                sb.append("  last stable offsets (read_committed end): ").append(c.endOffsets(out)).append('\n');
            }
            List<org.apache.kafka.common.TopicPartition> all = new ArrayList<>();
            for (var e : admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().entrySet()) {
                e.getValue().partitions().forEach(pi -> all.add(new org.apache.kafka.common.TopicPartition(e.getKey(), pi.partition())));
            }
            admin.describeProducers(all).all().get().forEach((tp, d) -> d.activeProducers().stream()
                    .filter(ps -> ps.currentTransactionStartOffset().isPresent())
                    .forEach(ps -> sb.append("  open transaction on ").append(tp).append(": ").append(ps).append('\n')));
            admin.listTransactions().all().get().forEach(l -> sb.append("  transaction ").append(l.transactionalId())
                    .append(' ').append(l.state()).append('\n'));
        } catch (Exception e) {
            sb.append("could not gather the evidence: ").append(e).append('\n');
        }
        return sb.toString();
    }

    /**
     * The arguments of a child {@code polyhead run} against this class's broker: a state dir of its own, the
     * application id, a small trunk (32, 32), no HTTP port unless {@code more} gives one, then {@code more}.
     */
    static String[] runArgs(Path stateDir, String applicationId, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "-b", bootstrap, "--state-dir", stateDir.toString(),
                "--application-id", applicationId, "--hidden", "32,32"));
        if (!List.of(more).contains("--http-port")) {
            args.addAll(List.of("--http-port", "0"));
        }
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The last {@code n} lines of a child's log that are not INFO: its status lines, warnings and errors. */
    static String tail(Path log, int n) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log).stream().filter(l -> !l.contains(" INFO ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** Mean loss of predictions; "at the start" means over each task's first 5 events (fresh heads). */
    static double meanLoss(List<Prediction> ps) {
        return ps.stream().filter(p -> p.loss() != null).mapToDouble(Prediction::loss).average().orElse(Double.NaN);
    }
}
