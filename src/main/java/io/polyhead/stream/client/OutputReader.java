package io.polyhead.stream.client;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Consumer settings for reading what the exactly-once learner writes. */
public final class OutputReader {
    private OutputReader() {
    }

    /**
     * The client properties plus: committed records only ({@code read_committed}: never a record of an
     * aborted transaction), the consumer group and where a new group starts.
     *
     * @param client      connection and security settings; not modified
     * @param group       the consumer group id
     * @param offsetReset {@code earliest} or {@code latest}
     */
    public static Properties consumerConfig(Properties client, String group, String offsetReset) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        return p;
    }
}
