package io.polyhead.stream;

import io.polyhead.event.EventParser;
import java.time.Duration;
import java.util.Objects;

/**
 * What the stream layer needs beyond the learner's configuration: topic names, how long a partial
 * batch may wait, and the limits that protect the process.
 *
 * @param eventsTopic      input topic (key = task id, or none)
 * @param byTaskTopic      events re-keyed by task: the learner's input; same partitions as the input
 * @param predictionsTopic output topic, one prediction per accepted event
 * @param deadLetterTopic  rejected inputs with their reason
 * @param linger           how long the oldest waiting event may wait for its batch to fill
 * @param maxTasks         live tasks per stream task; a new task beyond it is dead-lettered
 * @param taskTtl          tasks with no event for this long (event time) are evicted; zero = never
 * @param parser           record and feature limits, and the input dimension when known up front
 * @param partitions       partitions of the input and by-task topics when both have this many (then an
 *                         event keyed by its task that sits on the partition the by-task topic would
 *                         give it skips the re-keying hop); 0 = unknown, every event is re-keyed
 * @param syncTopic        where the replicas of the shared model publish their contributions (compacted)
 * @param syncIntervalMs   while other instances run, least time between two of a replica's contributions sent
 *                         to them (0: after every batch); alone, a replica sends about once a second (for
 *                         instances that join later). Within an instance replicas share after every batch.
 * @param checkpointIntervalMs least time between two writes of a replica's model (trunk and the heads touched
 *                         since) to its stores; the events learned in between stay in the pending store and a
 *                         restore learns them again from the last written model, so each is in the model once
 */
public record StreamOptions(String eventsTopic, String byTaskTopic, String predictionsTopic, String deadLetterTopic,
                            Duration linger, int maxTasks, Duration taskTtl, EventParser.Config parser,
                            int partitions, String syncTopic, long syncIntervalMs,
                            long checkpointIntervalMs) {

    public StreamOptions {
        Objects.requireNonNull(eventsTopic, "eventsTopic");
        Objects.requireNonNull(byTaskTopic, "byTaskTopic");
        Objects.requireNonNull(predictionsTopic, "predictionsTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(parser, "parser");
        if (linger.isNegative() || linger.isZero()) {
            throw new IllegalArgumentException("linger must be positive. Got: " + linger);
        }
        if (maxTasks < 1) {
            throw new IllegalArgumentException("max tasks must be at least 1. Got: " + maxTasks);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be 0 (unknown) or positive. Got: " + partitions);
        }
        Objects.requireNonNull(syncTopic, "syncTopic");
        if (syncIntervalMs < 0) {
            throw new IllegalArgumentException("sync interval may not be negative. Got: " + syncIntervalMs + " ms");
        }
        if (checkpointIntervalMs < 0) {
            throw new IllegalArgumentException("checkpoint interval may not be negative. Got: " + checkpointIntervalMs
                    + " ms");
        }
        if (taskTtl.isNegative()) {
            throw new IllegalArgumentException("task TTL may not be negative. Got: " + taskTtl);
        }
    }

    /** The contract's topic names, 20 ms linger, 100,000 live tasks, tasks kept 7 days after their last event. */
    public static StreamOptions defaults() {
        return new StreamOptions("polyhead.events", "polyhead.events.by-task", "polyhead.predictions",
                "polyhead.events.dlq", Duration.ofMillis(20), 100_000, Duration.ofDays(7), EventParser.Config.defaults(), 0,
                "polyhead.trunk-sync", DEFAULT_SYNC_INTERVAL_MS, DEFAULT_CHECKPOINT_INTERVAL_MS);
    }

    public StreamOptions withLinger(Duration v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, v, maxTasks, taskTtl, parser, partitions, syncTopic, syncIntervalMs, checkpointIntervalMs);
    }

    public StreamOptions withMaxTasks(int v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, v, taskTtl, parser, partitions, syncTopic, syncIntervalMs, checkpointIntervalMs);
    }

    public StreamOptions withTaskTtl(Duration v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, v, parser, partitions, syncTopic, syncIntervalMs, checkpointIntervalMs);
    }

    public StreamOptions withPartitions(int v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, taskTtl,
                parser, v, syncTopic, syncIntervalMs, checkpointIntervalMs);
    }

    /**
     * The same options with other topic names: {@code prefix.events}, {@code prefix.by-task}, ...; the sync
     * topic follows the by-task topic ({@code prefix.by-task} gives {@code prefix.trunk-sync}).
     */
    public StreamOptions withTopics(String events, String byTask, String predictions, String deadLetters) {
        String sync = byTask.replaceFirst("(\\.events)?\\.by-task$", "") + ".trunk-sync";
        return new StreamOptions(events, byTask, predictions, deadLetters, linger, maxTasks, taskTtl, parser, partitions,
                sync, syncIntervalMs, checkpointIntervalMs);
    }

    public StreamOptions withSyncIntervalMs(long v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, taskTtl,
                parser, partitions, syncTopic, v, checkpointIntervalMs);
    }

    public StreamOptions withCheckpointIntervalMs(long v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, taskTtl,
                parser, partitions, syncTopic, syncIntervalMs, v);
    }

    /**
     * By default a replica writes its model to its stores at most every 5 s: a 128-128 trunk entry is about
     * 1.2 MB, and written at every 100 ms commit it made the trunk changelog 25 times the size of the events.
     */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 5000;

    /** By default a replica sends its contribution after every batch while other instances run. */
    public static final long DEFAULT_SYNC_INTERVAL_MS = 0;

    public StreamOptions withParser(EventParser.Config v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, taskTtl, v, partitions, syncTopic, syncIntervalMs, checkpointIntervalMs);
    }
}
