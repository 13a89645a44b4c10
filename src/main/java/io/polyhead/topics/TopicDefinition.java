package io.polyhead.topics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * How one topic should look: what {@code topics/NAME.json} says. Immutable; the constructor rejects
 * a bad value and names it.
 *
 * @param name              a legal Kafka topic name: 1–249 characters of {@code [A-Za-z0-9._-]}, not
 *                          "." or "..". Never null.
 * @param description       what the topic carries and why it is set up so, for people. Never null (may
 *                          be empty).
 * @param partitions        at least 1
 * @param replicationFactor at least 1, at most {@link Short#MAX_VALUE}
 * @param configs           topic configs as Kafka takes them (name to string value), e.g.
 *                          {@code retention.ms -> "604800000"}. Never null; copied, unmodifiable, in
 *                          the given order.
 */
public record TopicDefinition(String name, String description, int partitions, int replicationFactor,
                              Map<String, String> configs) {

    /** Kafka's own limit (Topic.MAX_NAME_LENGTH): the name is also a directory name on the brokers. */
    static final int MAX_NAME_LENGTH = 249;

    public TopicDefinition {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("topic name may not be empty. Got: " + (name == null ? "null" : "\"\""));
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("topic name must be at most " + MAX_NAME_LENGTH + " characters. Got "
                    + name.length());
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("topic name may not be \".\" or \"..\". Got: \"" + name + "\"");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("topic name may contain only A-Z a-z 0-9 . _ - ; \"" + name
                        + "\" has '" + c + "' at position " + i);
            }
        }
        Objects.requireNonNull(description, "description of " + name + " may not be null (use \"\")");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " must be at least 1. Got: " + partitions);
        }
        if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replicationFactor of " + name + " must be in [1, " + Short.MAX_VALUE
                    + "]. Got: " + replicationFactor);
        }
        Objects.requireNonNull(configs, "configs of " + name + " may not be null (use {})");
        Map<String, String> copy = new LinkedHashMap<>();
        configs.forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("configs of " + name + " has an empty config name");
            }
            if (v == null) {
                throw new IllegalArgumentException("config " + k + " of " + name + " may not be null");
            }
            copy.put(k, v);
        });
        configs = Collections.unmodifiableMap(copy);
    }

    /** The same topic with another partition count. */
    public TopicDefinition withPartitions(int partitions) {
        return new TopicDefinition(name, description, partitions, replicationFactor, configs);
    }

    /** The same topic with another replication factor (e.g. 3 on a production cluster). */
    public TopicDefinition withReplicationFactor(int replicationFactor) {
        return new TopicDefinition(name, description, partitions, replicationFactor, configs);
    }

    /** The Admin request that creates this topic as defined. */
    public NewTopic toNewTopic() {
        return new NewTopic(name, partitions, (short) replicationFactor).configs(configs);
    }
}
