package io.polyhead.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * A progress mark: a record a validate lane writes to every partition of the by-task topic, after the
 * events it handed on, saying that it has handed on every event it read stamped up to {@link #complete}
 * ({@link Long#MAX_VALUE}: it is idle, nothing of its waits). A partition keeps the order of what one lane
 * wrote to it, and the mark commits in the lane's transaction with those events, so a learner lane that
 * reads the mark has every event of that validate lane up to that time: when every validate lane's mark
 * has passed a time, the learner lane holds all of its events up to it ({@link Sources}).
 *
 * <p>Why: the learner used to go by the record times it had seen, on every lane of every instance. But a
 * by-task partition merges what four validate lanes hand on, two of them on another instance, each when it
 * has heard of the others' progress; on {@code bench e2e --instances 2} ({@code sinusoid}, events stamped as
 * sent) one instance's validate lanes handed on events seconds after the other's of the same time, the
 * learner lanes had long learned past them, and learned them late, in runs of batches from thousands of
 * events back (467 of 628 batches ended before an earlier batch had; median 2,000 stream events behind,
 * the worst 7,751): 1.3x to 1.8x {@code evaluate}'s second-half loss. A report on the sync topic of what a
 * validate lane handed on could arrive before the events themselves; the mark cannot.
 *
 * <p>A mark has an empty key (an event's key is its task id, never empty) and goes to every partition
 * ({@link #PARTITIONER}); it also goes straight to the learner of the lane's own stream task ({@code direct}),
 * in order with the events that skip the by-task topic (keyed by their task, already on its partition).
 */
final class ProgressMark {
    /** Version 2 says whether the mark came straight from the task's own validate lane; version 1 never did. */
    private static final byte VERSION = 2;

    private ProgressMark() {
    }

    /** The by-task sink's partitioner: a mark to every partition, an event by its key as the producer would. */
    static final StreamPartitioner<byte[], byte[]> PARTITIONER = (topic, key, value, partitions) -> {
        if (key == null || key.length > 0) {
            return Optional.empty();
        }
        Set<Integer> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            all.add(p);
        }
        return Optional.of(all);
    };

    /** Whether a by-task record with this key is a mark. */
    static boolean is(byte[] key) {
        return key != null && key.length == 0;
    }

    static final byte[] KEY = new byte[0];

    /**
     * The value of the mark of validate lane {@code source} having handed on everything up to {@code complete}:
     * {@code direct} when it goes straight to the learner of its own stream task (the events it hands on there
     * skip the by-task topic), else through the by-task topic.
     */
    static byte[] encode(String source, long complete, boolean direct) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(source);
            out.writeLong(complete);
            out.writeBoolean(direct);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A decoded mark: its validate lane, the time up to which that lane handed on what it read, and how it came. */
    record Mark(String source, long complete, boolean direct) {
    }

    /** The mark in {@code value}, or null when it is not one this build reads. */
    static Mark decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != 1 && version != VERSION) {
                return null;
            }
            return new Mark(in.readUTF(), in.readLong(), version == VERSION && in.readBoolean());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * What one learner lane knows of the validate lanes that feed it: the latest mark of each, and so up to
     * when it holds every event ({@link #upTo}).
     */
    static final class Sources {
        /**
         * The marks say nothing: none heard once the hold for them is over (validate lanes of a build before
         * marks, or none expected), or only marks through the by-task topic while no re-keyed event arrives. The
         * lane goes by the event times it saw ({@link Pacer#timeOf}), as before marks.
         */
        static final long NONE = Long.MIN_VALUE + 1;
        /**
         * A validate lane whose marks stopped for this long is taken to be gone (its instance died, its task
         * moved): it holds no one. It marks at least every {@value EventValidator#MARK_AT_LEAST_EVERY_MS} ms.
         */
        static final long FRESH_MS = Pacer.REMOTE_FRESH_MS;
        /** Validate lanes not heard of yet hold the lane this long from its start. */
        static final long UNHEARD_HOLD_MS = Pacer.CATCHING_UP_IDLE_MS;

        /**
         * Other validate lanes' marks hold this lane only while events re-keyed through the by-task topic arrived
         * within this: a stream produced keyed by task, each event already on its task's partition, goes
         * straight from each validate lane to its own task's learner, and waiting for the other lanes' marks,
         * a commit away through the by-task topic, doubled the latency (`bench e2e`, 2,000 events/s: p50 100
         * to 220 ms). The first events re-keyed after such a spell may be learned late, behind the batches learned
         * from the lane's own validate lane before they arrived.
         */
        static final long REKEYED_RECENT_MS = 5_000;

        private final int expected;
        private final long startMs;
        private final Map<String, long[]> marks = new HashMap<>();
        /** The latest mark straight from this task's own validate lane, and when it came; null before one. */
        private long[] own;
        private long rekeyedMs = Long.MIN_VALUE;

        /**
         * @param expected the validate lanes in all (the input topic's partitions); 0 when not known
         * @param startMs  when the learner lane started
         */
        Sources(int expected, long startMs) {
            this.expected = expected;
            this.startMs = startMs;
        }

        void mark(Mark mark, long nowMs) {
            if (mark.direct()) {
                own = new long[] {mark.complete(), nowMs};
            } else {
                marks.put(mark.source(), new long[] {mark.complete(), nowMs});
            }
        }

        /** An event re-keyed through the by-task topic arrived: the validate lanes' marks through it count. */
        void rekeyed(long nowMs) {
            rekeyedMs = nowMs;
        }

        /** Whether any validate lane's mark was heard. */
        boolean heard() {
            return own != null || !marks.isEmpty();
        }

        /**
         * The time up to which this lane holds every event: the earliest of its own validate lane's direct mark (not
         * heard yet: {@link Long#MIN_VALUE} for {@value #UNHEARD_HOLD_MS} ms from the start, if lanes are expected)
         * and, while re-keyed events arrive ({@link #REKEYED_RECENT_MS}), the fresh marks through the by-task topic;
         * {@link #NONE} when none was heard.
         */
        long upTo(long nowMs) {
            boolean rekeyed = rekeyedMs != Long.MIN_VALUE && nowMs - rekeyedMs < REKEYED_RECENT_MS;
            long throughTopic = rekeyed ? throughTopic(nowMs) : NONE;
            long mine = own != null ? own[0]
                    : expected > 0 && nowMs - startMs < UNHEARD_HOLD_MS ? Long.MIN_VALUE : NONE;
            if (mine == NONE || throughTopic == NONE) {
                return mine == NONE ? throughTopic : mine;
            }
            return Math.min(mine, throughTopic);
        }

        /**
         * The earliest of the fresh marks through the by-task topic; {@link Long#MIN_VALUE} while a validate lane
         * expected is not heard of, for {@value #UNHEARD_HOLD_MS} ms from the start; {@link Long#MAX_VALUE} when
         * every lane heard of is idle or gone; {@link #NONE} when none was heard (after that hold, if lanes are
         * expected).
         */
        private long throughTopic(long nowMs) {
            boolean holding = nowMs - startMs < UNHEARD_HOLD_MS;
            if (marks.isEmpty() && (expected == 0 || !holding)) {
                return NONE;
            }
            if (holding && marks.size() < expected) {
                return Long.MIN_VALUE;
            }
            long upTo = Long.MAX_VALUE;
            for (long[] m : marks.values()) {
                if (nowMs - m[1] < FRESH_MS) {
                    upTo = Math.min(upTo, m[0]);
                }
            }
            return upTo;
        }
    }
}
