package io.polyhead.stream.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/** Consumer settings for reading what the exactly-once learner writes. */
public final class OutputReader {
    private OutputReader() {
    }

    /**
     * The client properties plus: committed records only ({@code read_committed}: never a record of an
     * aborted transaction), the consumer group and where a new group starts.
     *
     * @param client      connection and security settings; not modified
     * @param group       the consumer group id; null for none (a consumer that assigns its partitions itself,
     *                    {@link #assignAll})
     * @param offsetReset {@code earliest} or {@code latest}
     */
    public static Properties consumerConfig(Properties client, String group, String offsetReset) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        return p;
    }

    /**
     * Assigns the consumer every partition of {@code topics}, at their beginning or their end, and takes
     * the positions at once. No group to join: it answers at once (a fresh group's rebalance took 13-18 s
     * before the first record), and no rebalance can send it back to an older committed offset and show
     * records twice (after a broker restart a group's commit can fail and its next assignment resume from
     * the commit before).
     *
     * @return the partitions assigned
     */
    public static List<TopicPartition> assignAll(Consumer<?, ?> consumer, Collection<String> topics, boolean fromBeginning) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(pi -> partitions.add(new TopicPartition(topic, pi.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position);
        return partitions;
    }
}
