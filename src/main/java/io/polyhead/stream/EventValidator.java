package io.polyhead.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import io.polyhead.event.InvalidEventException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stage: parses and validates each input record. A valid event goes on, unchanged byte for byte,
 * keyed by its task id (so the next topic partitions events by task); an invalid one goes to the
 * dead-letter topic with the reason. A record whose key is set but is not its task id is invalid (the
 * contract: "equals the key when a key is set"); a record without a key is re-keyed.
 */
final class EventValidator implements Processor<byte[], byte[], byte[], byte[]> {
    private final EventParser.Config parserConfig;
    private final DeadLetters deadLetters;
    private ProcessorContext<byte[], byte[]> context;
    private EventParser parser;

    EventValidator(EventParser.Config parserConfig, MeterRegistry registry) {
        this.parserConfig = parserConfig;
        this.deadLetters = new DeadLetters(registry, "validate");
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.parser = new EventParser(parserConfig);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Event event;
        try {
            event = parser.parse(record.value(), key);
        } catch (InvalidEventException e) {
            deadLetters.send(context, PolyheadTopology.DLQ_SINK, record, e.getMessage());
            return;
        }
        byte[] taskKey = key != null ? record.key() : event.task().getBytes(StandardCharsets.UTF_8);
        context.forward(record.withKey(taskKey), PolyheadTopology.BY_TASK_SINK);
    }
}
