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

    private void send(ProcessorContext<byte[], byte[]> context, String child, Record<byte[], byte[]> record,
                      Rejection reason, RecordMetadata meta) {
        String field = reason.fieldName();
        byte[] letter = DeadLetter.json(field, reason.message(), meta == null ? null : meta.topic(),
                meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), record.timestamp(),
                record.key(), record.value());
        context.forward(record.withValue(letter), child);
        counters.computeIfAbsent(field, f -> Counter.builder(METRIC)
                .description("Inputs sent to the dead-letter topic, by the field that was wrong")
                .tag("field", f).tag("stage", stage).register(registry)).increment();
    }
}
