package io.polyhead.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.model.LearnerConfig;
import io.polyhead.stream.PolyheadStreams;
import io.polyhead.stream.PolyheadTopology;
import io.polyhead.stream.StreamOptions;
import io.polyhead.stream.StreamsSettings;
import io.polyhead.stream.client.OutputReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * End-to-end figures on a real broker: how fast the learner topology turns pre-produced events into
 * predictions compared with a pass-through topology (same first stage, then parse and forward), and
 * the latency from an event's timestamp to its prediction under a steady offered load.
 */
public final class EndToEndBench {
    private final Properties client;
    private final Path stateDir;
    private final int partitions;

    /** Throughput of one topology over the pre-produced events. */
    public record Throughput(String name, long events, double seconds) {
        public double eventsPerSecond() {
            return events / seconds;
        }
    }

    /** Latency percentiles in milliseconds at an offered rate. */
    public record Latency(double offeredPerSecond, long events, double p50, double p99, double max) {
    }

    /**
     * @param client the Kafka client properties every client of the bench starts from, with
     *               {@code bootstrap.servers} (and whatever security settings the cluster needs)
     */
    public EndToEndBench(Properties client, Path stateDir, int partitions) {
        this.client = (Properties) client.clone();
        this.stateDir = stateDir;
        this.partitions = partitions;
    }

    /** Topic names for one run: the shared input, and outputs of its own. */
    public StreamOptions topics(String inputTopic, String run) {
        return StreamOptions.defaults().withTopics(inputTopic, run + ".by-task", run + ".predictions", run + ".dlq")
                .withPartitions(partitions);
    }

    /** Creates the topics of {@code options} with this bench's partition count. */
    public void createTopics(StreamOptions options, boolean withInput) throws Exception {
        try (Admin admin = Admin.create(client())) {
            List<NewTopic> topics = new java.util.ArrayList<>(List.of(
                    new NewTopic(options.byTaskTopic(), partitions, (short) 1),
                    new NewTopic(options.predictionsTopic(), partitions, (short) 1),
                    new NewTopic(options.deadLetterTopic(), 1, (short) 1),
                    new NewTopic(options.syncTopic(), 1, (short) 1).configs(java.util.Map.of("cleanup.policy", "compact"))));
            if (withInput) {
                topics.add(new NewTopic(options.eventsTopic(), partitions, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    /** Produces {@code n} events of {@code generator} as fast as the producer goes (record timestamp now). */
    public void produce(String topic, StreamGenerator generator, long n) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long i = 0; i < n; i++) {
                Event e = generator.next();
                producer.send(new ProducerRecord<>(topic, e.task().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(
                        new Event(e.task(), e.id(), e.features(), e.label(), e.type(), e.classes(), null))));
            }
        }
    }

    /** Runs {@code topology} from the start of the input until {@code n} outputs are committed. */
    public Throughput throughput(String name, Topology topology, StreamOptions options, long n) throws Exception {
        return throughput(name, topology, options, n, streams -> { });
    }

    /** As {@link #throughput(String, Topology, StreamOptions, long)}, handing the application to {@code created} before it starts. */
    public Throughput throughput(String name, Topology topology, StreamOptions options, long n,
                                 java.util.function.Consumer<org.apache.kafka.streams.KafkaStreams> created) throws Exception {
        String appId = "polyhead-bench-" + UUID.randomUUID();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(options)) {
            long t0 = System.nanoTime();
            try (PolyheadStreams app = new PolyheadStreams(topology,
                    StreamsSettings.properties(client(), appId, stateDir.resolve(appId), 1))) {
                created.accept(app.streams());
                app.start(Duration.ofSeconds(60));
                long seen = 0;
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (seen < n && System.nanoTime() < deadline) {
                    seen += consumer.poll(Duration.ofMillis(100)).count();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Throughput(name, seen, seconds);
            }
        }
    }

    /**
     * Offers {@code warmup + n} events at {@code rate} per second to a running learner and measures, for
     * each prediction after the first {@code warmup}, the time from its event's timestamp to its arrival
     * at a read_committed consumer. The warm-up leaves out the application's first seconds (JIT, the
     * first transactions), so the figures are the steady state's.
     */
    public Latency latency(LearnerConfig config, StreamOptions options, StreamGenerator generator, double rate, int n,
                           int warmup) throws Exception {
        int total = warmup + n;
        String appId = "polyhead-latency-" + UUID.randomUUID();
        double[] latencies = new double[total];
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(options);
             PolyheadStreams app = new PolyheadStreams(PolyheadTopology.build(config, options, new SimpleMeterRegistry()),
                     StreamsSettings.properties(client(), appId, stateDir.resolve(appId), 1))) {
            app.start(Duration.ofSeconds(60));
            consumer.poll(Duration.ofMillis(100)); // join before producing
            AtomicBoolean done = new AtomicBoolean();
            Thread producerThread = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> producer = producer()) {
                    long start = System.nanoTime();
                    for (int i = 0; i < total; i++) {
                        long due = start + (long) (i * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        Event e = generator.next();
                        producer.send(new ProducerRecord<>(options.eventsTopic(), e.task().getBytes(StandardCharsets.UTF_8),
                                EventJson.toBytes(new Event(e.task(), e.id(), e.features(), e.label(), e.type(),
                                        e.classes(), System.currentTimeMillis()))));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.set(true);
                }
            }, "latency-producer");
            producerThread.start();
            int k = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds((long) (total / rate) + 60).toNanos();
            while (k < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    if (k < total && r.topic().equals(options.predictionsTopic())) {
                        latencies[k++] = System.currentTimeMillis() - r.timestamp();
                    }
                }
            }
            producerThread.join();
            double[] got = k <= warmup ? new double[0] : Arrays.copyOfRange(latencies, warmup, k);
            Arrays.sort(got);
            return new Latency(rate, got.length, percentile(got, 0.5), percentile(got, 0.99),
                    got.length == 0 ? Double.NaN : got[got.length - 1]);
        }
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private Properties client() {
        return (Properties) client.clone();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = client();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight: see EventProducer (a first batch to a new partition can be lost otherwise).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(StreamOptions options) {
        Properties p = OutputReader.consumerConfig(client, "polyhead-bench-reader-" + UUID.randomUUID(), "earliest");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(options.predictionsTopic(), options.deadLetterTopic()));
        return c;
    }
}
