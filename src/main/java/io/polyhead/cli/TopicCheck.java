package io.polyhead.cli;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks before a command starts that its cluster answers and its topic exists. Without it a producer
 * blocks a whole {@code max.block.ms} (60 s) on a missing topic and a consumer waits silently forever,
 * since Polyhead's brokers do not create topics on first use.
 */
final class TopicCheck {
    private TopicCheck() {
    }

    /**
     * Null when the topic exists (or the check itself is not allowed, e.g. by ACLs: the client then
     * gets its own chance), else a message saying what is wrong and what to do.
     */
    static String problem(Properties clientProps, String topic, long timeoutMs) throws InterruptedException {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "polyhead-topic-check");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        String servers = String.valueOf(clientProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(p)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return "topic " + topic + " does not exist on " + servers + "; create it first "
                        + "(polyhead topics, or kafka-topics.sh --create --topic " + topic + ")";
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "no answer from Kafka at " + servers + " within " + timeoutMs / 1000 + " s "
                        + "(is the broker running? 'polyhead broker' starts one)";
            }
            return null;
        } catch (TimeoutException e) {
            return "no answer from Kafka at " + servers + " within " + timeoutMs / 1000 + " s "
                    + "(is the broker running? 'polyhead broker' starts one)";
        } catch (IllegalArgumentException | org.apache.kafka.common.KafkaException e) {
            return "cannot use bootstrap servers " + servers + ": " + e.getMessage();
        }
    }
}
