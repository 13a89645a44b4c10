package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.broker.EmbeddedKafkaBroker;
import io.polyhead.event.EventParser;
import io.polyhead.event.Prediction;
import io.polyhead.event.PredictionJson;
import io.polyhead.event.TaskType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code produce} and {@code tail} end to end on a real in-process KRaft broker. */
@Timeout(120)
class ProduceTailIT {
    private static EmbeddedKafkaBroker broker;
    private static String bs;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        bs = broker.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String createTopic(int partitions) throws Exception {
        String topic = "it." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        return topic;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bs,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (all.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            // One more short poll: more records than expected would be a bug too.
            c.poll(Duration.ofMillis(300)).forEach(all::add);
        }
        return all;
    }

    /** Runs the CLI; returns {exit code, stdout, stderr}. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PolyheadCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void producesGeneratedEventsKeyedByTask() throws Exception {
        String topic = createTopic(3);
        long t0 = System.nanoTime();
        String[] r = cli("produce", "lowrank", "--events", "2000", "-b", bs, "--topic", topic, "--tasks", "7");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("produced 2000 events"), r[2]);
        System.out.printf("produce 2000 lowrank events: %.2f s including connect (%s)%n", seconds, r[2].strip());

        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 2000);
        assertEquals(2000, records.size());
        EventParser parser = new EventParser(EventParser.Config.defaults());
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            String key = new String(rec.key(), StandardCharsets.UTF_8);
            assertEquals(key, parser.parse(rec.value(), null).task());
        }
        assertEquals(7, records.stream().map(rec -> new String(rec.key(), StandardCharsets.UTF_8)).distinct().count());
    }

    @Test
    void producesFileLinesAsTheyAreWithoutKeys(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String topic = createTopic(1);
        List<String> lines = List.of(
                "{\"task\":\"a\",\"features\":[1,2],\"label\":1}",
                "{ \"task\" : \"b\", \"features\": [3, 4] }",
                "not json at all");
        Path file = Files.write(dir.resolve("e.jsonl"), lines);
        String[] r = cli("produce", file.toString(), "--key", "none", "-b", bs, "--topic", topic);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("1 lines not valid events"), r[2]);

        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 3);
        assertEquals(3, records.size());
        for (int i = 0; i < 3; i++) {
            assertNull(records.get(i).key());
            assertEquals(lines.get(i), new String(records.get(i).value(), StandardCharsets.UTF_8), "sent byte for byte");
        }

        // Keyed: the valid lines get their task as key, the invalid one none.
        String keyedTopic = createTopic(1);
        assertEquals("0", cli("produce", file.toString(), "-b", bs, "--topic", keyedTopic)[0]);
        List<ConsumerRecord<byte[], byte[]>> keyed = readAll(keyedTopic, 3);
        assertEquals("a", new String(keyed.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("b", new String(keyed.get(1).key(), StandardCharsets.UTF_8));
        assertNull(keyed.get(2).key());
    }

    @Test
    void fileLinesWithNamedFeaturesAreKeyedGivenTheirInputDimension(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = Files.write(dir.resolve("named.jsonl"), List.of(
                "{\"task\":\"a\",\"features\":{\"x\":1,\"y\":2},\"label\":1}",
                "{\"task\":\"b\",\"features\":{\"z\":3},\"label\":0}"));
        String withDim = createTopic(1);
        String[] r = cli("produce", file.toString(), "--input-dim", "16", "-b", bs, "--topic", withDim);
        assertEquals("0", r[0], r[2]);
        assertFalse(r[2].contains("not valid"), r[2]);
        List<ConsumerRecord<byte[], byte[]>> keyed = readAll(withDim, 2);
        assertEquals("a", new String(keyed.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("b", new String(keyed.get(1).key(), StandardCharsets.UTF_8));

        // Without it the lines cannot be checked: sent without a key, and the warning says what to set.
        String without = createTopic(1);
        r = cli("produce", file.toString(), "-b", bs, "--topic", without);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("2 lines not valid events") && r[2].contains("--input-dim"), r[2]);
        assertNull(readAll(without, 2).get(0).key());
    }

    @Test
    void rateIsHeldAgainstARealBroker() throws Exception {
        String topic = createTopic(1);
        long t0 = System.nanoTime();
        String[] r = cli("produce", "sinusoid", "--events", "400", "--rate", "1000", "-b", bs, "--topic", topic);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("0", r[0], r[2]);
        // 400 events at 1000/s with a burst of 100 ms (100 events) banked: at least 0.3 s.
        assertTrue(seconds >= 0.29, "too fast for --rate 1000: " + seconds + " s");
        assertTrue(seconds < 3, "too slow: " + seconds + " s");
    }

    @Test
    void missingTopicIsNamed() {
        String[] r = cli("produce", "lowrank", "--events", "1", "-b", bs, "--topic", "no.such.topic");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("topic no.such.topic does not exist"), r[2]);
    }

    @Test
    void tailPrintsPredictionsAsJsonlOrTable() throws Exception {
        String topic = createTopic(2);
        List<Prediction> predictions = List.of(
                new Prediction("t1", "e1", TaskType.BINARY, 1, 0.93, null, 1.0, 0.07, true, 1, true, 0),
                new Prediction("t2", "e2", TaskType.REGRESSION, 0.25, 0.25, null, 0.5, 0.0625, true, 1, true, 1),
                new Prediction("t1", null, TaskType.BINARY, 0, 0.2, null, null, null, false, 2, false, 2),
                new Prediction("t3", "e4", TaskType.MULTICLASS, 2, 0.6, new float[] {0.1f, 0.3f, 0.6f}, 2.0, 0.51, true, 1,
                        true, 3));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bs),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Prediction pr : predictions) {
                p.send(new ProducerRecord<>(topic, pr.task().getBytes(StandardCharsets.UTF_8), PredictionJson.write(pr)));
            }
            p.send(new ProducerRecord<>(topic, "t1".getBytes(StandardCharsets.UTF_8),
                    "{\"reason\":\"not a prediction\"}".getBytes(StandardCharsets.UTF_8)));
            p.flush();
        }

        String[] r = cli("tail", "-b", bs, "--topic", topic, "--from-beginning", "--format", "jsonl", "--max", "3",
                "--timeout", "10");
        assertEquals("0", r[0], r[2]);
        List<String> lines = r[1].lines().toList();
        assertEquals(3, lines.size(), r[1]);
        // Two partitions: which 3 come first varies, but each is one of the values sent, as it was sent.
        List<String> sent = new ArrayList<>(predictions.stream()
                .map(pr -> new String(PredictionJson.write(pr), StandardCharsets.UTF_8)).toList());
        sent.add("{\"reason\":\"not a prediction\"}");
        assertTrue(sent.containsAll(lines), r[1]);
        assertEquals(3, lines.stream().distinct().count(), r[1]);

        r = cli("tail", "-b", bs, "--topic", topic, "--from-beginning", "--format", "jsonl", "--task", "t1",
                "--timeout", "3");
        assertEquals("0", r[0], r[2]);
        lines = r[1].lines().toList();
        assertEquals(3, lines.size(), "two t1 predictions and the raw t1 record: " + r[1]);
        assertTrue(lines.stream().allMatch(l -> l.contains("\"t1\"") || l.contains("not a prediction")), r[1]);

        r = cli("tail", "-b", bs, "--topic", topic, "--from-beginning", "--task", "t1", "--task", "t3",
                "--max", "4", "--timeout", "10");
        assertEquals("0", r[0], r[2]);
        lines = r[1].lines().toList();
        System.out.println(r[1]);
        assertEquals(5, lines.size(), r[1]);
        assertTrue(lines.get(0).matches("task\\s+id\\s+type\\s+prediction\\s+score\\s+label\\s+loss\\s+taskEvents\\s+newTask"),
                lines.get(0));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("[raw] {\"reason\"")).count(), r[1]);
        assertTrue(lines.stream().anyMatch(l -> l.matches("t3\\s+e4\\s+multiclass\\s+2\\s+0\\.6000\\s+2\\s+0\\.5100\\s+1\\s+true")),
                r[1]);
    }

    @Test
    void tailFromTheEndWithAGroupResumes() throws Exception {
        String topic = createTopic(1);
        String group = "it-tail-" + UUID.randomUUID();
        byte[] value = PredictionJson.write(new Prediction("t", null, TaskType.REGRESSION, 1, 1, null, null, null, false,
                1, false, 0));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bs),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>(topic, value));
            }
            p.flush();
        }
        // From the end: nothing old is printed.
        String[] r = cli("tail", "-b", bs, "--topic", topic, "--format", "jsonl", "--timeout", "2");
        assertEquals("0", r[0], r[2]);
        assertEquals("", r[1]);
        assertTrue(r[2].startsWith("nothing on " + topic + " within 2") && r[2].contains("--from-beginning"), r[2]);
        // A named group commits what it printed; the next run resumes after it.
        r = cli("tail", "-b", bs, "--topic", topic, "--format", "jsonl", "--from-beginning", "--group", group, "--max", "2");
        assertEquals(2, r[1].lines().count());
        r = cli("tail", "-b", bs, "--topic", topic, "--format", "jsonl", "--from-beginning", "--group", group,
                "--timeout", "2");
        assertEquals(3, r[1].lines().count(), r[1]);
    }
}
