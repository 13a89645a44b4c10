package io.polyhead.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import io.polyhead.event.InvalidEventException;
import io.polyhead.event.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Sends a rejected input to the dead-letter child of a processor and counts it in
 * {@code polyhead.dead.letters} tagged by the field that was wrong. Never drops a record silently.
 */
final class DeadLetters {
    static final String METRIC = "polyhead.dead.letters";
    /** Header on a re-keyed event: {@code topic:partition:offset} of the record the user produced. */
    static final String ORIGIN_HEADER = "polyhead.origin";

    private final MeterRegistry registry;
    private final String stage;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    DeadLetters(MeterRegistry registry, String stage) {
        this.registry = registry;
        this.stage = stage;
    }

    /**
     * Parses a record's value (checking its key, when set, against the task); on failure sends it to
     * the dead letters and returns null.
     */
    Event parseOrSend(EventParser parser, ProcessorContext<byte[], byte[]> context, Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        try {
            return parser.parse(record.value(), key);
        } catch (InvalidEventException e) {
            send(context, PolyheadTopology.DLQ_SINK, record, e.rejection());
            return null;
        }
    }

    void send(ProcessorContext<byte[], byte[]> context, String child, Record<byte[], byte[]> record, Rejection reason) {
        send(context, child, record, reason, context.recordMetadata().orElse(null));
    }

    /** Sends a record that is not the one being processed (its origin is unknown here). */
    void sendDetached(ProcessorContext<byte[], byte[]> context, String child, Record<byte[], byte[]> record,
                      Rejection reason) {
        send(context, child, record, reason, null);
    }

    /** Records on {@code headers} where an event was produced, replacing any earlier mark. */
    static void markOrigin(org.apache.kafka.common.header.Headers headers, String topic, int partition, long offset) {
        headers.remove(ORIGIN_HEADER);
        headers.add(ORIGIN_HEADER, (topic + ":" + partition + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private void send(ProcessorContext<byte[], byte[]> context, String child, Record<byte[], byte[]> record,
                      Rejection reason, RecordMetadata meta) {
        String field = reason.fieldName();
        String topic = meta == null ? null : meta.topic();
        int partition = meta == null ? -1 : meta.partition();
        long offset = meta == null ? -1 : meta.offset();
        // Only the learner stage reads the mark the validator set on the re-key hop.
        org.apache.kafka.common.header.Header origin = stage.equals("learn") ? record.headers().lastHeader(ORIGIN_HEADER)
                : null;
        if (origin != null) {
            String[] at = new String(origin.value(), StandardCharsets.UTF_8).split(":");
            if (at.length == 3) {
                try {
                    partition = Integer.parseInt(at[1]);
                    offset = Long.parseLong(at[2]);
                    topic = at[0];
                } catch (NumberFormatException e) {
                    // a header of someone else's under our name: keep the hop's own coordinates
                }
            }
        }
        byte[] letter = DeadLetter.json(field, reason.message(), topic, partition, offset, record.timestamp(),
                record.key(), record.value());
        context.forward(record.withValue(letter), child);
        counters.computeIfAbsent(field, f -> Counter.builder(METRIC)
                .description("Inputs sent to the dead-letter topic, by the field that was wrong")
                .tag("field", f).tag("stage", stage).register(registry)).increment();
    }
}
