package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polyhead.model.LearnerConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The learner processor's restore, with a mock context and real in-memory stores: events waiting in
 * the pending store (under their keys, or in the slots as an earlier build kept them) are learned after a
 * restart, in record-time order; one that the (changed) configuration no longer accepts goes to the dead
 * letters instead of failing every restart.
 */
class LearnerProcessorRestoreTest {

    private static KeyValueStore<String, byte[]> store(String name, MockProcessorContext<byte[], byte[]> context) {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    /** A context at system and stream time 1,000 ms with the learner's three stores, empty. */
    private static MockProcessorContext<byte[], byte[]> contextWithStores() {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_000);
        context.setCurrentStreamTimeMs(1_000);
        store(PolyheadTopology.TRUNK_STORE, context);
        store(PolyheadTopology.HEAD_STORE, context);
        store(PolyheadTopology.PENDING_STORE, context);
        return context;
    }

    /** A context at system time 1,000 ms on the stores of {@code context}: the stream task after a restart. */
    private static MockProcessorContext<byte[], byte[]> sameStores(MockProcessorContext<byte[], byte[]> context) {
        MockProcessorContext<byte[], byte[]> again = new MockProcessorContext<>();
        again.setCurrentSystemTimeMs(1_000);
        for (String name : new String[] {PolyheadTopology.TRUNK_STORE, PolyheadTopology.HEAD_STORE,
                PolyheadTopology.PENDING_STORE}) {
            again.addStateStore(context.getStateStore(name));
        }
        return again;
    }

    /** A learner processor of its own instance, alone (no sync, no other replicas). */
    private static LearnerProcessor alone(LearnerConfig config) {
        io.polyhead.model.ReplicaGroup group = new io.polyhead.model.ReplicaGroup();
        return new LearnerProcessor(config, StreamOptions.defaults(), new SimpleMeterRegistry(), group, null,
                new io.polyhead.observe.LearningWatch(group, 0), new Pacer("learn", "test", null));
    }

    private static byte[] slot(String json, long timestamp) {
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + value.length).putLong(timestamp).put(value).array();
    }

    @Test
    void pendingEventsAreLearnedAndUnacceptableOnesAreDeadLettered() throws Exception {
        MockProcessorContext<byte[], byte[]> context = contextWithStores();
        KeyValueStore<String, byte[]> pending = context.getStateStore(PolyheadTopology.PENDING_STORE);
        String big = "{\"task\":\"a\",\"features\":[1,2,3],\"label\":1,\"pad\":\"" + "x".repeat(300) + "\"}";
        pending.put("slot-0", slot("{\"task\":\"a\",\"features\":[1,2,3],\"label\":1}", 10));
        pending.put("slot-1", slot(big, 11)); // accepted before, too large for the new --max-record-bytes
        pending.put("slot-2", slot("{\"task\":\"a\",\"features\":[3,2,1],\"label\":2,\"timestamp\":7}", 12));
        pending.put(LearnerProcessor.COUNT_KEY, "3".getBytes(StandardCharsets.UTF_8));

        StreamOptions options = StreamOptions.defaults()
                .withParser(StreamOptions.defaults().parser().withMaxRecordBytes(200));
        io.polyhead.model.ReplicaGroup group = new io.polyhead.model.ReplicaGroup();
        LearnerProcessor processor = new LearnerProcessor(
                LearnerConfig.defaults().toBuilder().batchSize(3).hidden(8).build(), options, new SimpleMeterRegistry(),
                group, null, new io.polyhead.observe.LearningWatch(group, 0), new Pacer("learn", "test", null));
        processor.init(context);
        // Stored as an earlier build kept waiting events (in the slots): they take waiting keys.
        assertEquals(List.of(12L, 10L), storedTimes(pending), "two events kept waiting, none learned, keyed by their "
                + "own times as this build's are: the one of time 7 (its record's 12) before the one of record time 10");

        processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8),
                "{\"task\":\"a\",\"features\":[0,1,0],\"label\":3}".getBytes(StandardCharsets.UTF_8), 13));
        List<MockProcessorContext.CapturedForward<? extends byte[], ? extends byte[]>> out = context.forwarded();
        long predictions = out.stream().filter(f -> f.childName().orElse("").equals(PolyheadTopology.PREDICTIONS_SINK))
                .count();
        List<JsonNode> dead = out.stream().filter(f -> f.childName().orElse("").equals(PolyheadTopology.DLQ_SINK))
                .map(f -> {
                    try {
                        return new ObjectMapper().readTree(f.record().value());
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }).toList();
        assertEquals(3, predictions, "the two restored events and the new one, learned as one batch");
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).get("reason").asText().contains("the limit is 200"), dead.get(0).toString());
        assertTrue(dead.get(0).get("reason").asText().contains("waiting for its batch"));
        // Learned, but kept until the model is written at the checkpoint interval: a restore before that
        // learns them again from the model as last written.
        assertEquals("3", new String(pending.get(LearnerProcessor.COUNT_KEY), StandardCharsets.UTF_8));
        assertEquals("1", new String(pending.get(LearnerProcessor.BATCHES_KEY), StandardCharsets.UTF_8));
        assertEquals("3", new String(pending.get("batch-0"), StandardCharsets.UTF_8), "where the batch ended");
        assertNull(StoreChunks.get(trunk(context), LearnerProcessor.TRUNK_KEY),
                "the trunk waits for the checkpoint interval");
        context.setCurrentSystemTimeMs(1_000 + options.checkpointIntervalMs());
        for (MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
            if (p.getType() == org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME) {
                p.getPunctuator().punctuate(context.currentSystemTimeMs());
            }
        }
        assertEquals("0", new String(pending.get(LearnerProcessor.COUNT_KEY), StandardCharsets.UTF_8));
        assertEquals("0", new String(pending.get(LearnerProcessor.BATCHES_KEY), StandardCharsets.UTF_8));
        assertNotNull(StoreChunks.get(trunk(context), LearnerProcessor.TRUNK_KEY), "the model is written");
    }

    private static KeyValueStore<String, byte[]> trunk(MockProcessorContext<byte[], byte[]> context) {
        return context.getStateStore(PolyheadTopology.TRUNK_STORE);
    }

    @Test
    void eventsLearnedSinceTheModelWasWrittenAreLearnedAgainWithoutNewPredictions() throws Exception {
        MockProcessorContext<byte[], byte[]> context = contextWithStores();
        KeyValueStore<String, byte[]> pending = context.getStateStore(PolyheadTopology.PENDING_STORE);
        pending.put("slot-0", slot("{\"task\":\"a\",\"features\":[1,2,3],\"label\":1}", 10));
        pending.put("slot-1", slot("{\"task\":\"a\",\"features\":[3,2,1],\"label\":2}", 11));
        pending.put("slot-2", slot("{\"task\":\"b\",\"features\":[0,1,0],\"label\":3}", 12));
        pending.put(LearnerProcessor.COUNT_KEY, "3".getBytes(StandardCharsets.UTF_8));
        // Learned in two batches, of one event each, before the model was last written.
        pending.put(LearnerProcessor.BATCHES_KEY, "2".getBytes(StandardCharsets.UTF_8));
        pending.put("batch-0", "1".getBytes(StandardCharsets.UTF_8));
        pending.put("batch-1", "2".getBytes(StandardCharsets.UTF_8));
        io.polyhead.model.ReplicaGroup group = new io.polyhead.model.ReplicaGroup();
        LearnerProcessor processor = new LearnerProcessor(
                LearnerConfig.defaults().toBuilder().batchSize(3).hidden(8).build(), StreamOptions.defaults(),
                new SimpleMeterRegistry(), group, null, new io.polyhead.observe.LearningWatch(group, 0), new Pacer("learn", "test", null));
        processor.init(context);

        assertTrue(context.forwarded().isEmpty(), "the two learned events had their predictions before");
        io.polyhead.model.MultiTaskLearner written = new io.polyhead.model.MultiTaskLearner(
                LearnerConfig.defaults().toBuilder().batchSize(3).hidden(8).build(), new io.polyhead.model.ReplicaGroup());
        io.polyhead.model.ModelCodec.decodeTrunk(written, StoreChunks.get(trunk(context), LearnerProcessor.TRUNK_KEY));
        assertEquals(2, written.version(), "learned again in the same two batches: the model version does not go back");
        assertNotNull(StoreChunks.get(trunk(context), LearnerProcessor.TRUNK_KEY),
                "the model with them is written at once");
        KeyValueStore<String, byte[]> heads = context.getStateStore(PolyheadTopology.HEAD_STORE);
        assertNotNull(heads.get("a"), "task a, learned again, is in the heads store");
        assertNull(heads.get("b"), "task b's event still waits for its batch");
        assertEquals("0", new String(pending.get(LearnerProcessor.BATCHES_KEY), StandardCharsets.UTF_8));
        assertEquals(List.of(12L), storedTimes(pending), "the learned slots freed; the waiting event under its key");
        assertNotNull(pending.get(LearnerProcessor.waitKey(12, 0)));
    }

    @Test
    void aBacklogWritesTheModelAfterAtMostTenThousandEventsWhateverTheInterval() throws Exception {
        MockProcessorContext<byte[], byte[]> context = contextWithStores();
        KeyValueStore<String, byte[]> pending = context.getStateStore(PolyheadTopology.PENDING_STORE);
        io.polyhead.model.ReplicaGroup group = new io.polyhead.model.ReplicaGroup();
        LearnerProcessor processor = new LearnerProcessor(
                LearnerConfig.defaults().toBuilder().batchSize(100).hidden(4).build(), StreamOptions.defaults(),
                new SimpleMeterRegistry(), group, null, new io.polyhead.observe.LearningWatch(group, 0), new Pacer("learn", "test", null));
        processor.init(context);
        byte[] event = "{\"task\":\"a\",\"features\":[1,2,3],\"label\":1}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < LearnerProcessor.MAX_UNWRITTEN_EVENTS - 100; i++) {
            processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, 10 + i));
        }
        assertNull(StoreChunks.get(trunk(context), LearnerProcessor.TRUNK_KEY), "the clock has not moved");
        for (int i = 0; i < 100; i++) {
            processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, 20_000 + i));
        }
        assertNotNull(StoreChunks.get(trunk(context), LearnerProcessor.TRUNK_KEY), "written after 10,000 events");
        assertEquals("0", new String(pending.get(LearnerProcessor.COUNT_KEY), StandardCharsets.UTF_8));
    }

    @Test
    void eventsWaitInRecordTimeOrderInTheStoreTooAndALearnedPrefixIsNeverMoved() throws Exception {
        MockProcessorContext<byte[], byte[]> context = contextWithStores();
        KeyValueStore<String, byte[]> pending = context.getStateStore(PolyheadTopology.PENDING_STORE);
        LearnerConfig config = LearnerConfig.defaults().toBuilder().batchSize(3).hidden(8).build();
        io.polyhead.model.ReplicaGroup group = new io.polyhead.model.ReplicaGroup();
        LearnerProcessor processor = new LearnerProcessor(config, StreamOptions.defaults(), new SimpleMeterRegistry(),
                group, null, new io.polyhead.observe.LearningWatch(group, 0), new Pacer("learn", "test", null));
        processor.init(context);
        long[] arriving = {100, 300, 200, 150}; // a record time each, in the order they arrive
        for (long t : arriving) {
            processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8),
                    ("{\"task\":\"a\",\"features\":[1,2],\"label\":" + t + "}").getBytes(StandardCharsets.UTF_8), t));
        }
        // The first three (100, 300, 200) filled a batch when 200 arrived: learned as 100, 200, 300; 150 waits.
        List<Long> predicted = context.forwarded().stream()
                .filter(f -> f.childName().orElse("").equals(PolyheadTopology.PREDICTIONS_SINK))
                .map(f -> f.record().timestamp()).toList();
        assertEquals(List.of(100L, 200L, 300L), predicted, "learned in record-time order");
        assertEquals(List.of(100L, 200L, 300L, 150L), storedTimes(pending),
                "the learned slots stay as learned (a restore learns them again so); the waiting follow");

        processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8),
                "{\"task\":\"a\",\"features\":[1,2],\"label\":1}".getBytes(StandardCharsets.UTF_8), 120L));
        assertEquals(List.of(100L, 200L, 300L, 120L, 150L), storedTimes(pending), "120 waits before 150");

        // A restart from these stores: the model was not written yet, so the batch is learned again, and the
        // waiting events come back in their order.
        MockProcessorContext<byte[], byte[]> again = sameStores(context);
        LearnerProcessor restored = alone(config);
        restored.init(again);
        assertEquals(List.of(120L, 150L), storedTimes(pending), "learned again and dropped; the waiting first, in order");
        restored.process(new Record<>("a".getBytes(StandardCharsets.UTF_8),
                "{\"task\":\"a\",\"features\":[1,2],\"label\":1}".getBytes(StandardCharsets.UTF_8), 130L));
        List<Long> next = again.forwarded().stream()
                .filter(f -> f.childName().orElse("").equals(PolyheadTopology.PREDICTIONS_SINK))
                .map(f -> f.record().timestamp()).toList();
        assertEquals(List.of(120L, 130L, 150L), next);
    }

    @Test
    void anEventThousandsOfWaitingEventsLateTakesItsPlaceInRecordTime() {
        MockProcessorContext<byte[], byte[]> context = contextWithStores();
        KeyValueStore<String, byte[]> pending = context.getStateStore(PolyheadTopology.PENDING_STORE);
        io.polyhead.model.ReplicaGroup group = new io.polyhead.model.ReplicaGroup();
        LearnerProcessor processor = new LearnerProcessor(LearnerConfig.defaults().toBuilder().batchSize(5000).hidden(4)
                .build(), StreamOptions.defaults(), new SimpleMeterRegistry(), group, null,
                new io.polyhead.observe.LearningWatch(group, 0), new Pacer("learn", "test", null));
        processor.init(context);
        byte[] event = "{\"task\":\"a\",\"features\":[1,2,3],\"label\":1}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3000; i++) {
            processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, 1_000 + i));
        }
        processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, 5L));
        List<Long> times = storedTimes(pending);
        assertEquals(3001, times.size());
        assertEquals(5L, times.get(0), "first, before 3,000 events stamped later (an earlier build: at most 256 back)");
        assertEquals(1_000L, times.get(1));
    }

    @Test
    void eventsOfOneTimeKeepTheirArrivalOrderAcrossARestartAndALaterOneTakesANewKey() {
        MockProcessorContext<byte[], byte[]> context = contextWithStores();
        KeyValueStore<String, byte[]> pending = context.getStateStore(PolyheadTopology.PENDING_STORE);
        LearnerConfig config = LearnerConfig.defaults().toBuilder().batchSize(10).hidden(4).build();
        LearnerProcessor first = alone(config);
        first.init(context);
        for (int label = 1; label <= 3; label++) {
            first.process(new Record<>("a".getBytes(StandardCharsets.UTF_8),
                    ("{\"task\":\"a\",\"features\":[1,2],\"label\":" + label + "}").getBytes(StandardCharsets.UTF_8), 100L));
        }
        MockProcessorContext<byte[], byte[]> again = sameStores(context);
        LearnerProcessor restored = alone(config);
        restored.init(again);
        restored.process(new Record<>("a".getBytes(StandardCharsets.UTF_8),
                "{\"task\":\"a\",\"features\":[1,2],\"label\":4}".getBytes(StandardCharsets.UTF_8), 100L));
        List<String> labels = new java.util.ArrayList<>();
        try (var it = pending.range(LearnerProcessor.WAIT_PREFIX, LearnerProcessor.WAIT_PREFIX + ":")) {
            it.forEachRemaining(kv -> {
                String json = new String(kv.value, Long.BYTES, kv.value.length - Long.BYTES, StandardCharsets.UTF_8);
                labels.add(json.substring(json.lastIndexOf(':') + 1, json.length() - 1));
            });
        }
        assertEquals(List.of("1", "2", "3", "4"), labels,
                "the fourth after the three, under a key of its own (the sequence goes on from the store's)");
    }

    @Test
    void eventsProducedAtOnceAreLearnedInTheOrderOfTheirOwnTimestampsAcrossARestart() {
        MockProcessorContext<byte[], byte[]> context = contextWithStores();
        KeyValueStore<String, byte[]> pending = context.getStateStore(PolyheadTopology.PENDING_STORE);
        LearnerConfig config = LearnerConfig.defaults().toBuilder().batchSize(3).hidden(4).build();
        LearnerProcessor first = alone(config);
        first.init(context);
        first.process(stamped(3, 300)); // one record millisecond (50), three times of their own
        first.process(stamped(1, 100));
        assertEquals(List.of(50L, 50L), storedTimes(pending), "stored with their records' timestamps");
        MockProcessorContext<byte[], byte[]> again = sameStores(context);
        LearnerProcessor restored = alone(config);
        restored.init(again);
        restored.process(stamped(2, 200));
        List<String> learned = new java.util.ArrayList<>();
        for (var f : again.forwarded()) {
            if (f.childName().orElse("").equals(PolyheadTopology.PREDICTIONS_SINK)) {
                String json = new String(f.record().value(), StandardCharsets.UTF_8);
                learned.add(json.replaceAll(".*\"label\":([0-9.]+).*\"taskEvents\":([0-9]+).*", "$1#$2")
                        + "@" + f.record().timestamp());
            }
        }
        assertEquals(List.of("1.0#1@50", "2.0#2@50", "3.0#3@50"), learned,
                "learned and numbered in their own order; each prediction keeps its record's timestamp");
    }

    private static Record<byte[], byte[]> stamped(int label, long time) {
        return new Record<>("a".getBytes(StandardCharsets.UTF_8), ("{\"task\":\"a\",\"features\":[1,2],\"label\":" + label
                + ",\"timestamp\":" + time + "}").getBytes(StandardCharsets.UTF_8), 50L);
    }

    /** The record times of the pending store's learned slots, in slot order, then of its waiting events, in key order. */
    private static List<Long> storedTimes(KeyValueStore<String, byte[]> pending) {
        byte[] stored = pending.get(LearnerProcessor.COUNT_KEY);
        int count = stored == null ? 0 : Integer.parseInt(new String(stored, StandardCharsets.UTF_8));
        List<Long> times = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            times.add(ByteBuffer.wrap(pending.get("slot-" + i)).getLong());
        }
        try (var it = pending.range(LearnerProcessor.WAIT_PREFIX, LearnerProcessor.WAIT_PREFIX + ":")) {
            it.forEachRemaining(kv -> times.add(ByteBuffer.wrap(kv.value).getLong()));
        }
        return times;
    }
}
