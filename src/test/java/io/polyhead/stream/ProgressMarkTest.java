package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Progress marks: what a validate lane says, when, and to which partitions; and a learner lane that holds its
 * events until every validate lane's mark has passed them.
 */
class ProgressMarkTest {
    private static final long NOW = 10_000_000;

    @Test
    void aMarkDecodesAsWrittenAndGoesToEveryPartitionWhileAnEventGoesByItsKey() {
        assertEquals(new ProgressMark.Mark("0_3", 12345L, false), ProgressMark.decode(ProgressMark.encode("0_3", 12345L, false)));
        assertEquals(new ProgressMark.Mark("0_3", 12345L, true), ProgressMark.decode(ProgressMark.encode("0_3", 12345L, true)));
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(1 + 2 + 3 + 8).put((byte) 1).putShort((short) 3)
                .put("0_3".getBytes(StandardCharsets.UTF_8)).putLong(77L);
        assertEquals(new ProgressMark.Mark("0_3", 77L, false), ProgressMark.decode(v1.array()), "an earlier build's");
        assertNull(ProgressMark.decode("{\"task\":\"a\"}".getBytes(StandardCharsets.UTF_8)), "not a mark");
        assertNull(ProgressMark.decode(new byte[0]));
        assertEquals(Optional.of(Set.of(0, 1, 2, 3)), ProgressMark.PARTITIONER.partitions("t", ProgressMark.KEY, null, 4));
        assertEquals(Optional.empty(), ProgressMark.PARTITIONER.partitions("t", "a".getBytes(StandardCharsets.UTF_8),
                null, 4), "an event: the producer's partitioner, by its key");
        assertTrue(ProgressMark.is(ProgressMark.KEY));
        assertFalse(ProgressMark.is(null));
        assertFalse(ProgressMark.is("a".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aLaneHoldsEverythingUpToTheEarliestFreshMarkAndWaitsForLanesNotHeardOfForASecond() {
        ProgressMark.Sources sources = new ProgressMark.Sources(2, NOW);
        sources.rekeyed(NOW); // events come through the by-task topic
        // its own lane's direct mark says idle: no event comes straight from it, all come through the by-task topic
        sources.mark(new ProgressMark.Mark("0_0", Long.MAX_VALUE, true), NOW);
        assertEquals(Long.MIN_VALUE, sources.upTo(NOW), "no mark yet, two expected: nothing is known to be complete");
        sources.mark(new ProgressMark.Mark("0_0", 500, false), NOW);
        assertEquals(Long.MIN_VALUE, sources.upTo(NOW + 10), "0_1 not heard of");
        assertEquals(500, sources.upTo(NOW + ProgressMark.Sources.UNHEARD_HOLD_MS), "0_1 not heard of for a second");
        sources.mark(new ProgressMark.Mark("0_1", 300, false), NOW + 20);
        assertEquals(300, sources.upTo(NOW + 30), "the earlier of the two");
        sources.mark(new ProgressMark.Mark("0_1", Long.MAX_VALUE, false), NOW + 40);
        assertEquals(500, sources.upTo(NOW + 50), "0_1 idle: it holds no one");
        sources.mark(new ProgressMark.Mark("0_1", 200, false), NOW + 60);
        assertEquals(200, sources.upTo(NOW + 70), "0_1 reads again: back to its time");
        sources.rekeyed(NOW + 60 + ProgressMark.Sources.FRESH_MS);
        assertEquals(Long.MAX_VALUE, sources.upTo(NOW + 60 + ProgressMark.Sources.FRESH_MS),
                "both lanes' marks stopped: gone, they hold no one");

        ProgressMark.Sources direct = new ProgressMark.Sources(2, NOW);
        direct.mark(new ProgressMark.Mark("0_1", 100, false), NOW);
        direct.mark(new ProgressMark.Mark("0_0", 950, false), NOW);
        assertEquals(Long.MIN_VALUE, direct.upTo(NOW), "its own lane's direct mark not heard yet");
        direct.mark(new ProgressMark.Mark("0_0", 900, true), NOW);
        assertEquals(900, direct.upTo(NOW), "no event came through the by-task topic: its own lane's direct mark alone");
        direct.rekeyed(NOW + 1);
        assertEquals(100, direct.upTo(NOW + 2), "one did: the marks through the topic count too");
        assertEquals(900, direct.upTo(NOW + 1 + ProgressMark.Sources.REKEYED_RECENT_MS), "until none came for a while");

        ProgressMark.Sources unknown = new ProgressMark.Sources(0, NOW);
        assertEquals(ProgressMark.Sources.NONE, unknown.upTo(NOW), "none expected and none heard: record times decide");
        assertEquals(ProgressMark.Sources.NONE, new ProgressMark.Sources(2, NOW).upTo(NOW + 1_000),
                "none heard after the hold either");
    }

    private static MockProcessorContext<byte[], byte[]> validateLane(int partition) {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>(new Properties(), new TaskId(0, partition),
                null);
        context.setCurrentSystemTimeMs(NOW);
        KeyValueStore<String, byte[]> held = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                PolyheadTopology.PACED_STORE), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        held.init(context.getStateStoreContext(), held);
        context.addStateStore(held);
        return context;
    }

    /** The marks forwarded since the last call, as "lane@time" ("idle" for MAX_VALUE); events left out. */
    private static List<String> marks(MockProcessorContext<byte[], byte[]> context) {
        List<String> out = new ArrayList<>();
        List<String> direct = new ArrayList<>();
        for (var f : context.forwarded()) {
            if (ProgressMark.is(f.record().key())) {
                ProgressMark.Mark m = ProgressMark.decode(f.record().value());
                if (f.childName().orElse("").equals(PolyheadTopology.LEARN)) {
                    assertTrue(m.direct(), "straight to the task's own learner");
                    direct.add(label(m));
                    continue;
                }
                assertEquals(PolyheadTopology.BY_TASK_SINK, f.childName().orElse(""));
                assertFalse(m.direct());
                out.add(label(m));
            }
        }
        assertEquals(out, direct, "each mark both ways, the same");
        context.resetForwards();
        return out;
    }

    private static String label(ProgressMark.Mark m) {
        return m.source() + "@" + (m.complete() == Long.MAX_VALUE ? "idle" : Long.toString(m.complete()));
    }

    private static void punctuate(MockProcessorContext<byte[], byte[]> context, long now) {
        context.setCurrentSystemTimeMs(now);
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(now));
    }

    private static void read(EventValidator v, MockProcessorContext<byte[], byte[]> context, long offset, long timestamp) {
        context.setRecordMetadata("polyhead.events", 0, offset);
        v.process(new Record<>(null, "{\"task\":\"x\",\"features\":[1,2],\"label\":1}".getBytes(StandardCharsets.UTF_8),
                timestamp));
    }

    @Test
    void aValidateLaneMarksJustBeforeItsOldestWaitingEventOrItsLatestAndIdleOnlyAfterThreePunctuations() {
        Pacer pacer = new Pacer("validate", "me", null);
        pacer.join("0_1", NOW); // another lane of the instance, that holds this one's events until it idles
        MockProcessorContext<byte[], byte[]> a = validateLane(0);
        EventValidator v = new EventValidator(StreamOptions.defaults().parser(), 0, new SimpleMeterRegistry(), pacer);
        v.init(a);
        long t = NOW - 60_000; // a backlog
        punctuate(a, NOW + 10);
        assertEquals(List.of(), marks(a), "nothing read and not idle yet: no mark");
        read(v, a, 0, t + 10);
        assertEquals(List.of("0_0@" + (t + 9)), marks(a), "its event waits for lane 0_1: complete just before it");
        read(v, a, 1, t + 20);
        assertEquals(List.of(), marks(a), "unchanged, and within " + EventValidator.MARK_EVERY_MS + " ms: no mark");
        pacer.leave("0_1");
        punctuate(a, NOW + 20);
        assertEquals(List.of("0_0@" + (t + 20)), marks(a), "both went on: complete up to its latest");
        punctuate(a, NOW + 20 + Pacer.CATCHING_UP_IDLE_MS);
        assertEquals(List.of("0_0@" + (t + 20)), marks(a), "a second without a record but two punctuations in a row:"
                + " still reading (the mark again, as at least every " + EventValidator.MARK_AT_LEAST_EVERY_MS + " ms)");
        punctuate(a, NOW + 30 + Pacer.CATCHING_UP_IDLE_MS);
        assertEquals(List.of("0_0@idle"), marks(a), "the third in a row: idle");
        punctuate(a, NOW + 40 + Pacer.CATCHING_UP_IDLE_MS);
        assertEquals(List.of(), marks(a));
        punctuate(a, NOW + 30 + Pacer.CATCHING_UP_IDLE_MS + EventValidator.MARK_AT_LEAST_EVERY_MS);
        assertEquals(List.of("0_0@idle"), marks(a), "and says so again");
    }

    private static MockProcessorContext<byte[], byte[]> learnerLane(int partition) {
        MockProcessorContext<byte[], byte[]> context = LearnerPacingTest.context(partition);
        context.setCurrentSystemTimeMs(NOW);
        return context;
    }

    private static long predictions(MockProcessorContext<byte[], byte[]> context) {
        return context.forwarded().stream().filter(f -> f.childName().orElse("").equals(PolyheadTopology.PREDICTIONS_SINK))
                .count();
    }

    @Test
    void aLearnerLaneLearnsABatchOnlyOnceEveryValidateLanesMarkHasPassedIt() {
        ReplicaGroup group = new ReplicaGroup();
        Pacer pacer = new Pacer("learn", group.name(), null);
        MockProcessorContext<byte[], byte[]> c = learnerLane(0);
        LearnerProcessor p = new LearnerProcessor(LearnerConfig.defaults().toBuilder().batchSize(2).hidden(4).build(),
                StreamOptions.defaults().withPartitions(2), new SimpleMeterRegistry(), group, null,
                new LearningWatch(group, 0), pacer);
        p.init(c);
        long t = NOW - 60_000;
        byte[] event = "{\"task\":\"a\",\"features\":[1,2],\"label\":1}".getBytes(StandardCharsets.UTF_8);
        p.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_0", t + 100, false), t));
        p.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_0", t + 100, true), t));
        p.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_1", t + 15, false), t));
        c.setRecordMetadata(StreamOptions.defaults().byTaskTopic(), 0, 0); // re-keyed events
        p.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, t + 10));
        p.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, t + 20));
        assertEquals(0, predictions(c), "a full batch, but 0_1 has handed on only up to t+15: an event of t+18 may come");
        p.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, t + 18));
        assertEquals(0, predictions(c));
        p.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_1", t + 30, false), t));
        assertEquals(2, predictions(c), "both past t+18: the first two in record time (t+10, t+18)");
        List<Long> times = c.forwarded().stream().filter(f -> f.childName().orElse("").equals(
                PolyheadTopology.PREDICTIONS_SINK)).map(f -> f.record().timestamp()).toList();
        assertEquals(List.of(t + 10, t + 18), times);
    }

    @Test
    void eventsThatCameStraightFromTheTasksOwnValidateLaneWaitOnlyForItsDirectMark() {
        ReplicaGroup group = new ReplicaGroup();
        MockProcessorContext<byte[], byte[]> c = learnerLane(0);
        LearnerProcessor p = new LearnerProcessor(LearnerConfig.defaults().toBuilder().batchSize(2).hidden(4).build(),
                StreamOptions.defaults().withPartitions(2), new SimpleMeterRegistry(), group, null,
                new LearningWatch(group, 0), new Pacer("learn", group.name(), null));
        p.init(c);
        long t = NOW - 60_000;
        byte[] event = "{\"task\":\"a\",\"features\":[1,2],\"label\":1}".getBytes(StandardCharsets.UTF_8);
        p.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_1", t, false), t)); // 0_1 far behind
        c.setRecordMetadata(StreamOptions.defaults().eventsTopic(), 0, 0); // keyed, on its partition: no by-task hop
        p.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, t + 10));
        p.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), event, t + 20));
        assertEquals(0, predictions(c), "its own lane has not said how far it is");
        p.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_0", t + 20, true), t));
        assertEquals(2, predictions(c), "its own lane handed on all up to t+20; 0_1's mark through the topic does not"
                + " hold events that did not come through it");
    }
}
