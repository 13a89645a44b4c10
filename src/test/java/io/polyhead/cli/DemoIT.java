package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Prediction;
import io.polyhead.event.PredictionJson;
import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise: while {@code polyhead demo} runs, a second program with plain Kafka clients
 * produces its own events and reads their predictions; the demo then stops cleanly on SIGTERM (what
 * Ctrl-C does) with its summary.
 */
class DemoIT {

    @Test
    void aSecondClientProducesItsOwnEventsAndReadsTheirPredictions(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path project = Path.of("").toAbsolutePath();
        Path log = dir.resolve("demo.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", project.resolve("target/polyhead.jar") + File.pathSeparator + project.resolve("target/lib/*"),
                "io.polyhead.cli.PolyheadCli", "demo", "--rate", "500", "--broker-port", String.valueOf(port), "--plain", "--http-port", "0")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process demo = pb.start();
        try {
            String bootstrap = awaitBootstrap(log, demo);
            Properties common = new Properties();
            common.put("bootstrap.servers", bootstrap);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(withReader(common),
                    new StringDeserializer(), new StringDeserializer());
                 KafkaProducer<String, String> producer = new KafkaProducer<>(common, new StringSerializer(),
                         new StringSerializer())) {
                consumer.subscribe(List.of("polyhead.predictions"));
                for (int i = 0; i < 20; i++) {
                    String value = "{\"task\":\"my-sensor\",\"id\":\"mine-" + i
                            + "\",\"features\":[0.1,0.2,0.3,0.4,0.5,0.6,0.7," + (i % 3) + "],\"label\":" + (i % 3) + "}";
                    // half with the task as key, half without: both must come back
                    producer.send(new ProducerRecord<>("polyhead.events", i % 2 == 0 ? "my-sensor" : null, value));
                }
                producer.flush();
                Set<String> mine = new HashSet<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (mine.size() < 20 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        if ("my-sensor".equals(r.key())) {
                            Prediction p = PredictionJson.read(r.value().getBytes(StandardCharsets.UTF_8));
                            mine.add(p.id());
                        }
                    }
                }
                assertEquals(20, mine.size(), "predictions of my own events; demo log:\n" + Files.readString(log));
            }
        } finally {
            demo.destroy(); // SIGTERM: the shutdown hook stops producer, learner and broker
            assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "demo stops on SIGTERM");
        }
        assertTrue(Files.readString(log).contains("summary:"), Files.readString(log));
        // The terminal shows what the demo prints; Kafka's and the broker's log lines go to data/polyhead.log.
        List<String> alarming = Files.readAllLines(log).stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                .toList();
        assertTrue(alarming.isEmpty(), "WARN/ERROR lines on the demo's terminal:\n" + String.join("\n", alarming));
        assertTrue(Files.exists(dir.resolve("data/polyhead.log")), "the log lines went to data/polyhead.log");
    }

    private static Properties withReader(Properties common) {
        Properties p = new Properties();
        p.putAll(common);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "second-shell");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    private static String awaitBootstrap(Path log, Process demo) throws Exception {
        Pattern running = Pattern.compile("learner running on (\\S+) \\(");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && demo.isAlive()) {
            Matcher m = running.matcher(Files.readString(log));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the demo did not start:\n" + Files.readString(log));
    }
}
