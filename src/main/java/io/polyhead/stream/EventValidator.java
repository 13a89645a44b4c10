package io.polyhead.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * First stage: parses and validates each input record. A valid event goes on, unchanged byte for byte,
 * keyed by its task id (so the next topic partitions events by task); an invalid one goes to the
 * dead-letter topic with the reason. A record whose key is set but is not its task id is invalid (the
 * contract: "equals the key when a key is set"); a record without a key is re-keyed. When the input
 * and by-task topics have the same known partition count, an event keyed by its task that is already on
 * the partition the default partitioner gives its task goes straight to the learner: same stream task,
 * one Kafka hop and one commit less.
 *
 * <p>A valid event goes on in event-time order ({@link Pacer#timeOf}) with the other partitions of the instance: it waits in
 * the {@code paced} store until the {@link Pacer} says every partition still receiving has reached its
 * time, or until it is {@link Pacer#overdue}. The store is
 * changelogged like the learner's, so an event held when a commit takes its offset is not lost: the next
 * owner of the task sends it on. Every event that goes on carries its origin (topic, partition, offset)
 * in a header, since it may go on while another record is being processed.
 *
 * <p>After the events it hands on, a lane writes its progress mark to every by-task partition
 * ({@link ProgressMark}): up to when it has handed on all it read, at most every {@value #MARK_EVERY_MS} ms
 * (or {@value #MARK_EVERY_EVENTS} events) while that changes and at least every
 * {@value #MARK_AT_LEAST_EVERY_MS} ms, so that a learner lane knows when it holds all of its events up to a time.
 */
final class EventValidator implements Processor<byte[], byte[], byte[], byte[]> {
    private final EventParser.Config parserConfig;
    private final int partitions;
    private final DeadLetters deadLetters;
    private static final long RELEASE_EVERY_MS = 10;
    private static final byte TO_BY_TASK = 0;
    private static final byte TO_LEARN = 1;

    private final Pacer pacer;
    private ProcessorContext<byte[], byte[]> context;
    private EventParser parser;
    private KeyValueStore<String, byte[]> held;
    private String lane;
    private final ArrayDeque<Held> waiting = new ArrayDeque<>();
    private long nextSeq;
    /** A lane marks its progress at most this often while it changes ({@link ProgressMark})... */
    static final long MARK_EVERY_MS = RELEASE_EVERY_MS;
    /** ...or after handing on this many events... */
    static final int MARK_EVERY_EVENTS = 32;
    /** ...and at least this often, changed or not: the learner lanes count a lane whose marks stopped as gone. */
    static final long MARK_AT_LEAST_EVERY_MS = 250;
    /**
     * A lane is idle (its mark says so) only after this many punctuations in a row without a record, besides
     * the pacer's idle time: the first punctuation after a step that held the thread for a second finds no
     * record since, though the next poll holds many.
     */
    static final int IDLE_PUNCTUATIONS = 3;
    /**
     * The latest event time this lane read ({@link Pacer#timeOf}) and record timestamp (what its marks are stamped
     * with: Kafka's retention goes by record timestamps), when (wall clock); punctuations since its last record.
     */
    private long latestRead = Long.MIN_VALUE;
    private long latestStamp = Long.MIN_VALUE;
    private long lastReadMs;
    private int quietPunctuations;
    /** The time its last mark said, when it went, and the events handed on since. */
    private long marked = Long.MIN_VALUE;
    private long markedMs = Long.MIN_VALUE / 4;
    private int forwardedSinceMark;

    /**
     * An event waiting for the other partitions: its store key, where it goes, the record, its time
     * ({@link Pacer#timeOf}), when it began waiting.
     */
    private record Held(String key, byte destination, Record<byte[], byte[]> record, long time, long sinceMs) {
    }

    EventValidator(EventParser.Config parserConfig, int partitions, MeterRegistry registry, Pacer pacer) {
        this.parserConfig = parserConfig;
        this.partitions = partitions;
        this.deadLetters = new DeadLetters(registry, "validate");
        this.pacer = pacer;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.parser = new EventParser(parserConfig);
        this.held = context.getStateStore(PolyheadTopology.PACED_STORE);
        this.lane = context.taskId().toString();
        long now = context.currentSystemTimeMs();
        pacer.join(lane, now);
        // A processor may be closed and initialised again (a task moving back): nothing of its last life counts.
        waiting.clear();
        nextSeq = 0;
        latestRead = Long.MIN_VALUE;
        latestStamp = Long.MIN_VALUE;
        lastReadMs = now;
        quietPunctuations = 0;
        marked = Long.MIN_VALUE;
        markedMs = Long.MIN_VALUE / 4;
        forwardedSinceMark = 0;
        try (KeyValueIterator<String, byte[]> it = held.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Held h = decode(kv.key, kv.value, now);
                waiting.add(h);
                pacer.saw(lane, h.time, now);
                pacer.arrived(lane, h.record.timestamp(), now);
                nextSeq = Math.max(nextSeq, Long.parseLong(kv.key.substring(HELD_PREFIX.length())) + 1);
            }
        }
        context.schedule(Duration.ofMillis(RELEASE_EVERY_MS), PunctuationType.WALL_CLOCK_TIME, time -> {
            quietPunctuations++;
            release(time, pacer.watermark(time));
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        latestStamp = Math.max(latestStamp, record.timestamp());
        Event event = deadLetters.parseOrSend(parser, context, record);
        if (event == null) {
            // A dead letter has no time of its own to mark and holds nothing back: a lane reading only those idles.
            return;
        }
        long time = Pacer.timeOf(event, record.timestamp());
        latestRead = Math.max(latestRead, time);
        lastReadMs = context.currentSystemTimeMs();
        quietPunctuations = 0;
        // The origin header is ours to set: one that arrived with the record (a replayed dead letter, a producer's
        // own) would name the wrong record.
        record.headers().remove(DeadLetters.ORIGIN_HEADER);
        boolean keyed = record.key() != null;
        byte destination = TO_BY_TASK;
        if (keyed && partitions > 0) {
            int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
            if (partition == Utils.toPositive(Utils.murmur2(record.key())) % partitions) {
                // Keyed by its task and already where the by-task topic would put it: no extra hop.
                destination = TO_LEARN;
            }
        }
        byte[] taskKey = keyed ? record.key() : event.task().getBytes(StandardCharsets.UTF_8);
        // Where the user produced it: a dead letter of the learner stage names that, not the by-task hop.
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        context.recordMetadata().ifPresent(m -> DeadLetters.markOrigin(headers, m.topic(), m.partition(), m.offset()));
        Record<byte[], byte[]> out = record.withKey(taskKey).withHeaders(headers);
        long now = context.currentSystemTimeMs();
        pacer.saw(lane, time, now);
        pacer.arrived(lane, record.timestamp(), now);
        long mark = pacer.watermark(now);
        if (waiting.isEmpty() && time <= mark) {
            // Nothing of this lane waits and the others are past it: on at once, without the store.
            forward(destination, out);
        } else {
            String seq = Long.toString(nextSeq++);
            String key = HELD_PREFIX + "0".repeat(19 - seq.length()) + seq;
            held.put(key, encode(destination, out, time));
            waiting.add(new Held(key, destination, out, time, now));
        }
        release(now, mark);
    }

    private void forward(byte destination, Record<byte[], byte[]> record) {
        context.forward(record, destination == TO_LEARN ? PolyheadTopology.LEARN : PolyheadTopology.BY_TASK_SINK);
        forwardedSinceMark++;
    }

    /**
     * Up to when this lane has handed on every event it read: just before its oldest waiting event, or its latest
     * event's time when none waits (another event of that millisecond may still follow and be learned a batch
     * late: waiting for the next record instead would hold the last event of a quiet live stream until the lane
     * idles); {@link Long#MAX_VALUE} when it is idle with none waiting; {@link Long#MIN_VALUE}
     * when it has read nothing yet and is not idle.
     */
    private long complete(long now) {
        if (!waiting.isEmpty()) {
            long oldest = Long.MAX_VALUE;
            for (Held h : waiting) {
                oldest = Math.min(oldest, h.time);
            }
            return oldest - 1;
        }
        long idleAfter = pacer.catchingUp(lane) ? Pacer.CATCHING_UP_IDLE_MS : Pacer.IDLE_MS;
        if (quietPunctuations >= IDLE_PUNCTUATIONS && now - lastReadMs >= idleAfter) {
            return Long.MAX_VALUE;
        }
        return latestRead;
    }

    /** Writes this lane's mark to every by-task partition when it is due ({@link ProgressMark}). */
    private void mark(long now) {
        long complete = complete(now);
        if (complete == Long.MIN_VALUE) {
            return;
        }
        boolean changed = complete != marked && (now - markedMs >= MARK_EVERY_MS || forwardedSinceMark >= MARK_EVERY_EVENTS);
        if (!changed && now - markedMs < MARK_AT_LEAST_EVERY_MS) {
            return;
        }
        long stamp = latestStamp == Long.MIN_VALUE ? now : Math.max(0, latestStamp);
        context.forward(new Record<>(ProgressMark.KEY, ProgressMark.encode(lane, complete, false), stamp),
                PolyheadTopology.BY_TASK_SINK);
        // And straight to this task's learner, in order with the events that go to it without the by-task topic.
        context.forward(new Record<>(ProgressMark.KEY, ProgressMark.encode(lane, complete, true), stamp),
                PolyheadTopology.LEARN);
        marked = complete;
        markedMs = now;
        forwardedSinceMark = 0;
    }

    /** Sends on, in order, the waiting events the other partitions have caught up with, or that waited long enough. */
    private void release(long now, long mark) {
        pacer.sendReport(lane, now);
        while (!waiting.isEmpty()) {
            Held h = waiting.peek();
            if (h.time > mark && !Pacer.overdue(h.sinceMs, now, waiting.size())) {
                break;
            }
            waiting.poll();
            held.delete(h.key);
            forward(h.destination, h.record);
        }
        mark(now);
    }

    @Override
    public void close() {
        // Waiting events stay in the store: the next owner of this task sends them on.
        pacer.leave(lane);
    }

    private static final String HELD_PREFIX = "held-";

    /** A waiting event as stored: its record, then its time (a build before event times stored none). */
    private static byte[] encode(byte destination, Record<byte[], byte[]> r, long time) {
        Header[] headers = r.headers().toArray();
        int size = 1 + 2 * Long.BYTES + 3 * Integer.BYTES + r.key().length + r.value().length;
        for (Header h : headers) {
            byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
            size += 2 * Integer.BYTES + name.length + (h.value() == null ? 0 : h.value().length);
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(destination).putLong(r.timestamp());
        b.putInt(r.key().length).put(r.key()).putInt(r.value().length).put(r.value()).putInt(headers.length);
        for (Header h : headers) {
            byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
            b.putInt(name.length).put(name);
            if (h.value() == null) {
                b.putInt(-1);
            } else {
                b.putInt(h.value().length).put(h.value());
            }
        }
        return b.putLong(time).array();
    }

    private static Held decode(String key, byte[] stored, long now) {
        ByteBuffer b = ByteBuffer.wrap(stored);
        byte destination = b.get();
        long timestamp = b.getLong();
        byte[] k = bytes(b, b.getInt());
        byte[] v = bytes(b, b.getInt());
        RecordHeaders headers = new RecordHeaders();
        for (int i = b.getInt(); i > 0; i--) {
            String name = new String(bytes(b, b.getInt()), StandardCharsets.UTF_8);
            int length = b.getInt();
            headers.add(name, length < 0 ? null : bytes(b, length));
        }
        long time = b.remaining() >= Long.BYTES ? b.getLong() : timestamp;
        return new Held(key, destination, new Record<>(k, v, timestamp, headers), time, now);
    }

    private static byte[] bytes(ByteBuffer b, int length) {
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }
}
