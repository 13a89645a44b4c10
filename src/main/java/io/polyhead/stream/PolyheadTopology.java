package io.polyhead.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import io.polyhead.event.InvalidEventException;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The one topology factory, shared by {@code polyhead run}, {@code demo}, the benchmarks and the
 * tests:
 * <pre>
 *   polyhead.events ──▶ validate ──▶ polyhead.events.by-task ──▶ learn ──▶ polyhead.predictions
 *                          │            (key = task id)          │
 *                          └──────────▶ polyhead.events.dlq ◀────┘
 * </pre>
 * An event goes through the by-task topic, keyed by its task, unless it is keyed by its task and
 * already on the partition the by-task topic would give it (see {@link EventValidator}); either way
 * each task's head lives in exactly one stream task whatever key (or none) and partitioner the
 * producer used. Every input record yields exactly one prediction or one dead letter. Both stages go
 * on in event-time order (an event's own timestamp, else its record's: {@link Pacer#timeOf}) across the
 * partitions of all instances ({@link Pacer}): valid events wait for the other input partitions in the
 * {@code paced} store, and a replica's events for the other replicas in the pending store. Each validate lane writes progress marks to every by-task partition and to its own
 * task's learner ({@link ProgressMark}): a learner lane learns a time once its own validate lane, and, while
 * re-keyed events reach it, every other validate lane still marking, has handed on all of that time. Lanes
 * whose marks stop hold no one after {@value Pacer#REMOTE_FRESH_MS} ms, and no event waits past
 * {@value Pacer#MAX_WAIT_MS} ms ({@link Pacer#overdue}).
 */
public final class PolyheadTopology {
    static final String EVENTS_SOURCE = "events";
    static final String VALIDATE = "validate";
    static final String BY_TASK_SINK = "to-by-task";
    static final String BY_TASK_SOURCE = "by-task";
    static final String LEARN = "learn";
    static final String PREDICTIONS_SINK = "to-predictions";
    static final String DLQ_SINK = "to-dlq";
    /** The trunk entry of the stream task's learner. */
    public static final String TRUNK_STORE = "polyhead-trunk";
    /** One entry per task (and head key): kinds, counts, heads. */
    public static final String HEAD_STORE = "polyhead-heads";
    /** Events waiting for their batch. */
    public static final String PENDING_STORE = "polyhead-pending";
    /** Valid events waiting for the instance's other input partitions to reach their time ({@link Pacer}). */
    public static final String PACED_STORE = "polyhead-paced";
    /** The global store of the sync topic: every replica's latest contribution, in chunks. */
    public static final String SYNC_STORE = "polyhead-sync";
    static final String SYNC_SOURCE = "sync";
    static final String SYNC_READER = "read-sync";

    private PolyheadTopology() {
    }

    /**
     * The learner topology. Its stream tasks are the replicas of one shared model: those of one instance
     * (one topology, one {@link ReplicaGroup}) share after every batch in memory; other instances'
     * contributions arrive through the sync topic, read back into a global store.
     */
    public static Topology build(LearnerConfig learner, StreamOptions options, MeterRegistry registry) {
        return build(learner, options, registry, new ReplicaGroup(), null);
    }

    /**
     * The learner topology, whose replicas meet in {@code group} (one group per topology, per instance)
     * and send their contributions to other instances with {@code sender} (null: this instance is alone).
     */
    public static Topology build(LearnerConfig learner, StreamOptions options, MeterRegistry registry,
            ReplicaGroup group, SyncSender sender) {
        return build(learner, options, registry, group, sender,
                new LearningWatch(group, LearningWatch.DEFAULT_TOP_TASKS).bindTo(registry));
    }

    /**
     * As {@link #build(LearnerConfig, StreamOptions, MeterRegistry, ReplicaGroup, SyncSender)}, with every
     * learned batch recorded in {@code watch} (the instance's meters, HTTP API and live page).
     */
    public static Topology build(LearnerConfig learner, StreamOptions options, MeterRegistry registry,
            ReplicaGroup group, SyncSender sender, LearningWatch watch) {
        Pacer validatePacer = new Pacer(VALIDATE, group.name(), sender, options.partitions());
        Pacer learnPacer = new Pacer(LEARN, group.name(), sender, options.partitions());
        Topology t = firstStage(options, registry, validatePacer);
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer des = new ByteArrayDeserializer();
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SYNC_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(), SYNC_SOURCE, des, des, options.syncTopic(), SYNC_READER,
                () -> new SyncReader(group.board(), java.util.List.of(validatePacer, learnPacer)));
        t.addProcessor(LEARN, () -> new LearnerProcessor(learner, options, registry, group, sender, watch, learnPacer),
                BY_TASK_SOURCE, VALIDATE);
        t.addStateStore(store(TRUNK_STORE), LEARN);
        t.addStateStore(store(HEAD_STORE), LEARN);
        t.addStateStore(store(PENDING_STORE), LEARN);
        t.addSink(PREDICTIONS_SINK, options.predictionsTopic(), ser, ser, LEARN);
        t.addSink(DLQ_SINK, options.deadLetterTopic(), ser, ser, VALIDATE, LEARN);
        return t;
    }

    /**
     * The benchmark's baseline: the same first stage, then a stage that only parses each event and
     * forwards it, no learning. The learner topology's throughput is compared with this one's.
     */
    public static Topology passThrough(StreamOptions options, MeterRegistry registry) {
        Topology t = firstStage(options, registry, new Pacer(VALIDATE, "pass-through", null));
        ByteArraySerializer ser = new ByteArraySerializer();
        t.addProcessor(LEARN, () -> new ParseAndForward(options.parser()), BY_TASK_SOURCE, VALIDATE);
        t.addSink(PREDICTIONS_SINK, options.predictionsTopic(), ser, ser, LEARN);
        t.addSink(DLQ_SINK, options.deadLetterTopic(), ser, ser, VALIDATE, LEARN);
        return t;
    }

    /** Input source, validation, the by-task sink and source: what both topologies share. */
    private static Topology firstStage(StreamOptions options, MeterRegistry registry, Pacer pacer) {
        Topology t = new Topology();
        ByteArrayDeserializer des = new ByteArrayDeserializer();
        t.addSource(EVENTS_SOURCE, des, des, options.eventsTopic());
        t.addProcessor(VALIDATE, () -> new EventValidator(options.parser(), options.partitions(), registry, pacer),
                EVENTS_SOURCE);
        t.addStateStore(store(PACED_STORE), VALIDATE);
        t.addSink(BY_TASK_SINK, options.byTaskTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
                ProgressMark.PARTITIONER, VALIDATE);
        t.addSource(BY_TASK_SOURCE, des, des, options.byTaskTopic());
        return t;
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
        // Persistent (RocksDB), changelogged (the default) and cached: one changelog write per key
        // per commit interval, however often a batch rewrites it.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    /** Parses each event and forwards its bytes: the pass-through baseline's second stage. */
    private static final class ParseAndForward implements Processor<byte[], byte[], byte[], byte[]> {
        private final EventParser parser;
        private ProcessorContext<byte[], byte[]> context;

        ParseAndForward(EventParser.Config config) {
            this.parser = new EventParser(config);
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (ProgressMark.is(record.key())) {
                return;
            }
            try {
                Event e = parser.parse(record.value(), null);
                context.forward(record.withKey(e.task().getBytes(StandardCharsets.UTF_8)), PREDICTIONS_SINK);
            } catch (InvalidEventException e) {
                context.forward(record, DLQ_SINK);
            }
        }
    }
}
