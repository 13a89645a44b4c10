package io.polyhead.topics;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TopicAdmin#apply} found and did, one entry per topic of the catalog, in its order.
 *
 * @param entries never null; unmodifiable
 */
public record TopicReport(List<Entry> entries) {

    public TopicReport {
        entries = List.copyOf(entries);
    }

    /** Where a topic stands after the run. */
    public enum Status {
        /** It did not exist and was created as defined. */
        CREATED,
        /** It exists and its live settings are the defined ones. */
        EXISTS,
        /** It exists and some live settings differ from the definition; it was left as it is. */
        DIFFERS,
        /** It does not exist, and this was a dry run. */
        MISSING
    }

    /**
     * One topic.
     *
     * @param topic       the topic name. Never null.
     * @param partitions  the live partition count; for a {@link Status#MISSING} topic the defined one
     * @param status      never null
     * @param differences for {@link Status#DIFFERS}, each live setting that differs, as
     *                    {@code "retention.ms 86400000 (defined 604800000)"}; else empty. Never null.
     */
    public record Entry(String topic, int partitions, Status status, List<String> differences) {
        public Entry {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(status, "status");
            differences = List.copyOf(differences);
            if ((status == Status.DIFFERS) == differences.isEmpty()) {
                throw new IllegalArgumentException("a topic differs exactly when it has differences. Got: " + status
                        + " with " + differences);
            }
        }

        /** The status as the table shows it: "created", "exists", "differs: ...", "missing (...)". */
        public String describeStatus() {
            return switch (status) {
                case CREATED -> "created";
                case EXISTS -> "exists";
                case DIFFERS -> "differs: " + String.join("; ", differences);
                case MISSING -> "missing (dry run: would be created)";
            };
        }
    }

    /**
     * The entry of a topic.
     *
     * @throws IllegalArgumentException when the report has none
     */
    public Entry entry(String topic) {
        return entries.stream().filter(e -> e.topic().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic " + topic + " in this report"));
    }

    /** Names of the topics this run created. */
    public List<String> created() {
        return entries.stream().filter(e -> e.status() == Status.CREATED).map(Entry::topic).toList();
    }

    /** Whether some existing topic's live settings differ from its definition. */
    public boolean hasDifferences() {
        return entries.stream().anyMatch(e -> e.status() == Status.DIFFERS);
    }

    /** Whether every topic now exists as defined (nothing differs, nothing missing). */
    public boolean matches() {
        return entries.stream().allMatch(e -> e.status() == Status.CREATED || e.status() == Status.EXISTS);
    }

    /** A plain-text table: topic, partitions, status; one line per topic after a header. */
    public String table() {
        int width = "topic".length();
        for (Entry e : entries) {
            width = Math.max(width, e.topic().length());
        }
        String format = "%-" + width + "s  %10s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(format, "topic", "partitions", "status"));
        for (Entry e : entries) {
            sb.append(String.format(format, e.topic(), e.partitions(), e.describeStatus()));
        }
        return sb.toString();
    }
}
