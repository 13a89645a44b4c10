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
 */
public record StreamOptions(String eventsTopic, String byTaskTopic, String predictionsTopic, String deadLetterTopic,
                            Duration linger, int maxTasks, Duration taskTtl, EventParser.Config parser,
                            int partitions) {

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
        if (taskTtl.isNegative()) {
            throw new IllegalArgumentException("task TTL may not be negative. Got: " + taskTtl);
        }
    }

    /** The contract's topic names, 20 ms linger, 100,000 live tasks, tasks kept 7 days after their last event. */
    public static StreamOptions defaults() {
        return new StreamOptions("polyhead.events", "polyhead.events.by-task", "polyhead.predictions",
                "polyhead.events.dlq", Duration.ofMillis(20), 100_000, Duration.ofDays(7), EventParser.Config.defaults(), 0);
    }

    public StreamOptions withLinger(Duration v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, v, maxTasks, taskTtl, parser, partitions);
    }

    public StreamOptions withMaxTasks(int v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, v, taskTtl, parser, partitions);
    }

    public StreamOptions withTaskTtl(Duration v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, v, parser, partitions);
    }

    public StreamOptions withPartitions(int v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, taskTtl,
                parser, v);
    }

    /** The same options with other topic names: {@code prefix.events}, {@code prefix.by-task}, ... */
    public StreamOptions withTopics(String events, String byTask, String predictions, String deadLetters) {
        return new StreamOptions(events, byTask, predictions, deadLetters, linger, maxTasks, taskTtl, parser, partitions);
    }

    public StreamOptions withParser(EventParser.Config v) {
        return new StreamOptions(eventsTopic, byTaskTopic, predictionsTopic, deadLetterTopic, linger, maxTasks, taskTtl, v, partitions);
    }
}
