package io.polyhead.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stage: parses and validates each input record. A valid event goes on, unchanged byte for byte,
 * keyed by its task id (so the next topic partitions events by task); an invalid one goes to the
 * dead-letter topic with the reason. A record whose key is set but is not its task id is invalid (the
 * contract: "equals the key when a key is set"); a record without a key is re-keyed. When the input
 * and by-task topics have the same known partition count, an event keyed by its task that is already on
 * the partition the default partitioner gives its task goes straight to the learner: same stream task,
 * one Kafka hop and one commit less.
 */
final class EventValidator implements Processor<byte[], byte[], byte[], byte[]> {
    private final EventParser.Config parserConfig;
    private final int partitions;
    private final DeadLetters deadLetters;
    private ProcessorContext<byte[], byte[]> context;
    private EventParser parser;

    EventValidator(EventParser.Config parserConfig, int partitions, MeterRegistry registry) {
        this.parserConfig = parserConfig;
        this.partitions = partitions;
        this.deadLetters = new DeadLetters(registry, "validate");
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.parser = new EventParser(parserConfig);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Event event = deadLetters.parseOrSend(parser, context, record);
        if (event == null) {
            return;
        }
        // The origin header is ours to set: one that arrived with the record (a replayed dead letter, a producer's
        // own) would name the wrong record.
        record.headers().remove(DeadLetters.ORIGIN_HEADER);
        boolean keyed = record.key() != null;
        if (keyed && partitions > 0) {
            int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
            if (partition == Utils.toPositive(Utils.murmur2(record.key())) % partitions) {
                // Keyed by its task and already where the by-task topic would put it: no extra hop.
                context.forward(record, PolyheadTopology.LEARN);
                return;
            }
        }
        byte[] taskKey = keyed ? record.key() : event.task().getBytes(StandardCharsets.UTF_8);
        // Where the user produced it: a dead letter of the learner stage names that, not the by-task hop.
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders(record.headers().toArray());
        context.recordMetadata().ifPresent(m -> DeadLetters.markOrigin(headers, m.topic(), m.partition(), m.offset()));
        context.forward(record.withKey(taskKey).withHeaders(headers), PolyheadTopology.BY_TASK_SINK);
    }
}
