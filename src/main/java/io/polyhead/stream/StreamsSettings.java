package io.polyhead.stream;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration of a Polyhead application, each setting with the reason it is set. */
public final class StreamsSettings {
    private StreamsSettings() {
    }

    /** Bytes the main consumer fetches per partition at most (Kafka's default is 1 MiB). */
    static final int MAIN_FETCH_BYTES = 16 * 1024;

    /**
     * Streams properties on top of the user's client properties (which pass through: security,
     * SASL, TLS; and which win over these defaults when they set the same key).
     *
     * @param client        client properties including {@code bootstrap.servers}
     * @param applicationId the consumer group and the prefix of internal topics
     * @param stateDir      where RocksDB stores live
     * @param threads       stream threads in this instance
     */
    public static Properties properties(Properties client, String applicationId, Path stateDir, int threads) {
        return properties(client, applicationId, stateDir, threads, 0);
    }

    /**
     * As {@link #properties(Properties, String, Path, int)}, with {@code standbys} standby replicas of every
     * stream task's stores on other instances: with more than one instance, 1 lets a survivor take over a
     * failed instance's partitions without restoring their stores from the changelogs first.
     */
    public static Properties properties(Properties client, String applicationId, Path stateDir, int threads,
            int standbys) {
        Properties p = new Properties();
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // A crash must neither lose an event nor learn one twice: stores, outputs and offsets commit together.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Predictions become visible to read_committed consumers at each commit: 100 ms bounds the latency,
        // and the cached stores still write each model key at most once per commit.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        // Room for every task's head entry between commits without flushing early.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        // Never hold a task back waiting for one of its input partitions to catch up: the learner has no
        // joins, so records of the input and by-task topics need no time alignment.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Read events in large polls: the learner works in batches anyway.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        // Fetch each partition in small pieces, so that under a backlog the stream tasks (the shared model's
        // replicas) take turns: with the default 1 MiB a poll held one partition's thousands of events, one
        // replica learned them alone while the others waited, and on `bench e2e --instances 1` sinusoid's
        // second half was 4.7x evaluate's; with 16 KiB 1.2x-1.7x (two runs), for about 13% of throughput.
        // The restore consumer keeps its default: changelogs restore fastest in large fetches. A fetch size of
        // the user's own, with or without a prefix, wins.
        String fetch = ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG;
        if (!client.containsKey(fetch) && !client.containsKey(StreamsConfig.consumerPrefix(fetch))) {
            p.put(StreamsConfig.mainConsumerPrefix(fetch), MAIN_FETCH_BYTES);
        }
        // A partition moves to a joining instance at once, which restores its stores before it goes on, instead of
        // only after the newcomer has warmed up a copy within 10,000 changelog records of the end and a probing
        // rebalance (10 minutes by default) came round: the stores holding events waiting for their time (the paced
        // and pending stores) write most events to their changelogs under a backlog, and a second instance joining
        // 20,000 events into a stream did not get a partition within 3 minutes (SharedModelScaleUpIT).
        p.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Long.MAX_VALUE);
        // Let the producer gather predictions into larger requests.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // A rebalance after a restart waits for the old member otherwise; leave the group on close instead.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 15000);
        // The sync topic's global store takes the processing exception handler too; set so Kafka Streams
        // 4.x does not warn at every start. The partition assignor reads its own copy from the main
        // consumer's settings, hence the second key.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), "true");
        p.putAll(client);
        return p;
    }
}
