package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The settings as Kafka Streams resolves them for its consumers, with and without the user's own. */
class StreamsSettingsTest {

    private static Map<String, Object> mainConsumer(Properties client) {
        client.setProperty("bootstrap.servers", "127.0.0.1:1");
        return new StreamsConfig(StreamsSettings.properties(client, "app", Path.of("state"), 1))
                .getMainConsumerConfigs("app", "app-1", 0);
    }

    @Test
    void theMainConsumerFetchesSmallPiecesAndTheRestoreConsumerKeepsKafkasDefault() {
        Properties client = new Properties();
        assertEquals(String.valueOf(StreamsSettings.MAIN_FETCH_BYTES),
                String.valueOf(mainConsumer(client).get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)));
        client.setProperty("bootstrap.servers", "127.0.0.1:1");
        Map<String, Object> restore = new StreamsConfig(StreamsSettings.properties(client, "app", Path.of("state"), 1))
                .getRestoreConsumerConfigs("app-restore");
        assertEquals(null, restore.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), "Kafka's own default");
    }

    @Test
    void aFetchSizeTheUserGivesWinsWithOrWithoutAPrefix() {
        for (String key : new String[] {ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)}) {
            Properties client = new Properties();
            client.setProperty(key, "1048576");
            assertEquals("1048576", String.valueOf(mainConsumer(client).get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)),
                    key);
        }
    }
}
