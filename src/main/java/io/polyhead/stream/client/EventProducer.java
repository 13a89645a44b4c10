package io.polyhead.stream.client;

import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends events to a Kafka topic, paced by a {@link RateLimiter}, and counts what the broker
 * acknowledged and what failed. The producing loop of {@code polyhead produce}, kept apart from the
 * command line so the demo can run a synthetic producer in a thread.
 *
 * <p>Records: key = the task id as UTF-8 (or null when not {@code keyed}, which makes the learner
 * re-key), value = the event's JSON, timestamp = now. A send that fails is counted in {@link #errors()}
 * and never thrown from {@code send}, so one bad record does not stop a stream; {@link #firstError()}
 * says why. {@code send} is meant for one thread; the counters may be read from any.
 */
public final class EventProducer implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final boolean keyed;
    private final RateLimiter limiter;
    private final AtomicLong attempted = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    /**
     * An unpaced producer.
     *
     * @param clientProps Kafka client properties, at least {@code bootstrap.servers}; passed through,
     *                    over the defaults of {@link #producerConfig}
     * @param topic       the topic to send to. Never null.
     * @param keyed       true: key = task id; false: null keys
     */
    public EventProducer(Properties clientProps, String topic, boolean keyed) {
        this(clientProps, topic, keyed, RateLimiter.unlimited());
    }

    /** A producer paced by {@code limiter}. */
    public EventProducer(Properties clientProps, String topic, boolean keyed, RateLimiter limiter) {
        this(new KafkaProducer<>(producerConfig(clientProps), new ByteArraySerializer(), new ByteArraySerializer()),
                topic, keyed, limiter);
    }

    /** Around an existing producer (a {@code MockProducer} in tests); {@link #close()} closes it. */
    public EventProducer(Producer<byte[], byte[]> producer, String topic, boolean keyed, RateLimiter limiter) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.keyed = keyed;
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    /**
     * The producer configuration: Polyhead's defaults, overridden by {@code clientProps} where it sets
     * the same keys; the serializers are always byte arrays.
     */
    public static Properties producerConfig(Properties clientProps) {
        Properties p = new Properties();
        // Every event must reach the learner exactly once: wait for all in-sync replicas and let the
        // broker drop the duplicates that retries would otherwise create.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight per connection. Measured on Kafka 4.4 against a partition created moments
        // before: the first batch got NOT_LEADER_OR_FOLLOWER, the broker then accepted the next batches (a
        // new producer "with no existing state" may start at any sequence), and the first batch's retries met
        // OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout dropped it, 2 minutes later: 73 events lost.
        // With one request in flight a batch is retried before the next one leaves.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // A few ms of batching multiplies throughput and adds little latency to a stream of events.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // 64-feature events are about 700 bytes; the default 16 KiB batch holds only ~20 of them.
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "polyhead-producer");
        p.putAll(clientProps);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Sends an event as contract JSON, keyed by its task when keyed. Waits for the rate limiter. */
    public void send(Event event) throws InterruptedException {
        send(event.task().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(event));
    }

    /**
     * Sends one record as it is. Waits for the rate limiter, and blocks when the producer's buffer is
     * full (up to {@code max.block.ms}).
     *
     * @param key   the key; ignored (null sent) when not keyed. May be null.
     * @param value the record value. May be null (a tombstone; the learner rejects it).
     */
    public void send(byte[] key, byte[] value) throws InterruptedException {
        limiter.acquire();
        attempted.incrementAndGet();
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, System.currentTimeMillis(), keyed ? key : null, value);
        try {
            producer.send(record, (metadata, e) -> {
                if (e == null) {
                    sent.incrementAndGet();
                } else {
                    fail(e);
                }
            });
        } catch (KafkaException e) {
            // Thrown before the record is queued (too large, metadata timeout, closed producer).
            fail(e);
        }
    }

    private void fail(Exception e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e);
    }

    /** Waits until every record sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    /** Records handed to {@code send}. */
    public long attempted() {
        return attempted.get();
    }

    /** Records the broker acknowledged. */
    public long sent() {
        return sent.get();
    }

    /** Records that failed. */
    public long errors() {
        return errors.get();
    }

    /** The first failure. May be null (none so far). */
    public Exception firstError() {
        return firstError.get();
    }

    /** The topic records go to. */
    public String topic() {
        return topic;
    }

    /** Flushes, then closes the producer (waiting at most 30 s for outstanding records). */
    @Override
    public void close() {
        try {
            producer.flush();
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
