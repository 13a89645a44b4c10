package io.polyhead.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real KRaft broker in this JVM: topics, idempotent and transactional producers, restarts. */
@Timeout(120)
class EmbeddedKafkaBrokerIT {

    @Test
    void roundTripsRecordsAndKeepsThemAcrossARestart(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("broker");
        String topic = "polyhead.it.events";
        int firstPort;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
            broker.start();
            firstPort = broker.port();
            assertEquals("127.0.0.1:" + firstPort, broker.bootstrapServers());
            assertEquals(dataDir.toAbsolutePath(), broker.dataDir());
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(broker, Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(topic, "task-" + (i % 7), "v" + i));
                }
                producer.flush();
            }
            assertEquals(100, readAll(broker, topic, 100).size());
        }
        assertTrue(Files.exists(dataDir.resolve("meta.properties")), "a given data dir is kept on close");

        // Port 0 again: the restart gets fresh ports, which the static voter config allows.
        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
            again.start();
            try (Admin admin = admin(again)) {
                assertTrue(admin.listTopics().names().get().contains(topic));
            }
            List<String> values = readAll(again, topic, 100).stream().map(ConsumerRecord::value).toList();
            assertEquals(100, values.size());
            assertEquals(IntStream.range(0, 100).mapToObj(i -> "v" + i).collect(Collectors.toSet()), Set.copyOf(values));
            assertNotEquals(0, again.port());
        }
    }

    @Test
    void transactionsCommitAndAbort() throws Exception {
        String topic = "polyhead.it.tx";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(broker, Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "polyhead-it-tx"))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
                producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "aborted"));
                producer.flush();
                producer.abortTransaction();
                // A later committed record can only become visible once the abort is resolved.
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "committed-3"));
                producer.commitTransaction();
            }
            List<String> values = readAll(broker, topic, 3).stream().map(ConsumerRecord::value).toList();
            assertEquals(List.of("committed-1", "committed-2", "committed-3"), values);
        }
    }

    @Test
    void twoBrokersInOneJvmDoNotClash() throws Exception {
        Exit.Procedure exitBefore = KafkaExitGuard.current("exitProcedure");
        try (EmbeddedKafkaBroker a = EmbeddedKafkaBroker.builder().build();
                EmbeddedKafkaBroker b = EmbeddedKafkaBroker.builder().build()) {
            a.start();
            b.start();
            assertNotEquals(a.port(), b.port());
            assertNotEquals(a.dataDir(), b.dataDir());
            assertEquals(2, KafkaExitGuard.holders());
            try (Admin adminA = admin(a); Admin adminB = admin(b)) {
                adminA.createTopics(List.of(new NewTopic("only-on-a", 1, (short) 1))).all().get();
                // The controller has committed the topic; the broker's metadata cache follows a moment later.
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!adminA.listTopics().names().get().contains("only-on-a") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(adminA.listTopics().names().get().contains("only-on-a"));
                assertFalse(adminB.listTopics().names().get().contains("only-on-a"));
                assertNotEquals(adminA.describeCluster().clusterId().get(), adminB.describeCluster().clusterId().get());
            }
        }
        assertEquals(0, KafkaExitGuard.holders());
        assertSame(exitBefore, KafkaExitGuard.current("exitProcedure"), "restored after close");
    }

    @Test
    void topicsAreNotCreatedOnFirstUseAndATempDirIsDeleted() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        Path tempDir;
        try {
            broker.start();
            tempDir = broker.dataDir();
            try (KafkaProducer<String, String> producer = producer(broker, Map.of(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("no-such-topic", "x")).get());
                assertTrue(e.getCause() instanceof TimeoutException
                        || e.getCause() instanceof UnknownTopicOrPartitionException, e.getCause().toString());
            }
        } finally {
            broker.close();
        }
        assertFalse(Files.exists(tempDir), "a temporary data dir is deleted on close");
        assertFalse(broker.isRunning());
    }

    @Test
    void aFailedStartSaysWhyAndCleansUp() throws Exception {
        Exit.Procedure exitBefore = KafkaExitGuard.current("exitProcedure");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(taken.getLocalPort()).build();
            BrokerStartException e = assertThrows(BrokerStartException.class, broker::start);
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertFalse(Files.exists(broker.dataDir()), "the temporary data dir is gone");
            assertFalse(broker.isRunning());
        }
        assertEquals(0, KafkaExitGuard.holders());
        assertSame(exitBefore, KafkaExitGuard.current("exitProcedure"));
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /**
     * Reads the topic from the beginning with read_committed until {@code expected} records came,
     * then polls once more so that any extra record shows up too. Waiting for a count rather than
     * for the end offsets matters: commit and abort markers are written after the producer's call
     * returns, and until then the last stable offset hides the transaction.
     */
    private static List<ConsumerRecord<String, String>> readAll(EmbeddedKafkaBroker broker, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        return records;
    }

}
