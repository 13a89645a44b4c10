package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.bench.InstanceProcess;
import io.polyhead.bench.LayoutBench;
import io.polyhead.broker.EmbeddedKafkaBroker;
import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.TaskType;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.topics.TopicAdmin;
import io.polyhead.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code polyhead run --state-dir S} against broker A, both stopped, then {@code run} with the same state
 * dir against a fresh broker B whose tasks have the same names but other kinds: B's model is B's (no event
 * is dead-lettered for a kind that was A's), and the run says it removed A's state.
 */
class StateOwnershipIT {
    static final int EVENTS = 400;

    @Test
    void stateOfAnotherClusterIsNotReused(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        runOn(dir.resolve("broker-a"), state, TaskType.REGRESSION, dir.resolve("a.log"));
        Counts b = runOn(dir.resolve("broker-b"), state, TaskType.BINARY, dir.resolve("b.log"));
        String log = Files.readString(dir.resolve("b.log"));
        assertEquals(EVENTS, b.predictions, "every event of B predicted; dead letters " + b.deadLetters + "\n" + log);
        assertEquals(0, b.deadLetters, log);
        assertTrue(log.contains("was built against Kafka cluster"), log);
    }

    record Counts(int predictions, int deadLetters) {
    }

    private static Counts runOn(Path brokerDir, Path state, TaskType kind, Path log) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(brokerDir).build()) {
            broker.start();
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                TopicAdmin.ensure(admin, TopicCatalog.builtin().withPartitions(1));
            }
            StreamGenerator gen = Generators.create(Generators.Name.LOWRANK,
                    GeneratorOptions.defaults().withTasks(4).withDim(8).withKind(kind).withSeed(9));
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("max.in.flight.requests.per.connection", 1); // see EventProducer
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < EVENTS; i++) {
                    Event e = gen.next();
                    producer.send(new ProducerRecord<>(TopicCatalog.EVENTS, null, EventJson.toBytes(e)));
                }
            }
            InstanceProcess run = InstanceProcess.start(log, "run", "-b", bootstrap, "--state-dir", state.toString(),
                    "--application-id", "polyhead-owner", "--hidden", "16", "--status-every", "250ms", "--http-port", "0");
            try {
                LayoutBench.awaitAssignment(List.of(run), 1, line -> { });
                return read(bootstrap);
            } finally {
                // The whole setup goes down at once (SIGTERM to each), as in the report: the run cannot finish
                // cleanly against its broker, and its local stores keep their checkpoints.
                Thread stop = new Thread(() -> {
                    try {
                        run.stop();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                stop.start();
                broker.close();
                stop.join();
            }
        }
    }

    private static Counts read(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int predictions = 0;
        int dead = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(TopicCatalog.PREDICTIONS, TopicCatalog.DEAD_LETTERS));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (predictions + dead < EVENTS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(TopicCatalog.PREDICTIONS)) {
                        predictions++;
                    } else {
                        dead++;
                    }
                }
            }
        }
        return new Counts(predictions, dead);
    }
}
