package io.polyhead.stream;

import io.polyhead.model.Contribution;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replicas' contributions to the sync topic with a producer of its own, outside the stream tasks'
 * transactions: they reach the other instances within milliseconds instead of at the next commit. That
 * timing matters: on {@code sinusoid} (4 replicas on 2 instances, {@code ReplicatedRun}) sharing every 32
 * events per replica gave 0.77x one learner's second-half loss, every 128 1.6x, every 512 2.3x, and a
 * commit interval of 100 ms is hundreds of events.
 *
 * <p>What is exactly-once is unchanged: each event's step is in exactly one replica's committed
 * contribution (its stores); a contribution sent before its transaction aborted is replaced by the next
 * generation's, which the restored replica publishes (see {@link Contribution#generation}). One per
 * instance; thread-safe.
 */
public final class SyncSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncSender.class);
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private volatile boolean warned;

    /**
     * @param client client properties with {@code bootstrap.servers} (and what the cluster needs)
     * @param topic  the sync topic
     */
    public SyncSender(Properties client, String topic) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "polyhead-sync-" + Long.toHexString(System.nanoTime()));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Sends one contribution, in chunks; a failure is logged once and the next send tries again. */
    public void send(Contribution c) {
        for (KeyValue<byte[], byte[]> chunk : SyncChunks.split(c)) {
            producer.send(new ProducerRecord<>(topic, chunk.key, chunk.value), (md, e) -> {
                if (e != null && !warned) {
                    warned = true;
                    LOG.warn("a contribution to {} was not sent ({}); replicas keep sending theirs", topic, e.toString());
                }
            });
        }
    }

    /** Sends a small record of the sync topic as it is (a lane's progress, {@link Pacer#report}). */
    void send(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
