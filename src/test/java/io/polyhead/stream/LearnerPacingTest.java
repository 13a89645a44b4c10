package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The learner stage's pacing, with two replicas of one instance on mock contexts: a replica catching up
 * learns a full batch once the other has reached its time, and a partial one only when none of its events
 * waits for the other and the oldest has waited a second; on a live stream the linger alone decides.
 */
class LearnerPacingTest {
    private static final long NOW = 10_000_000;
    private static final LearnerConfig CONFIG = LearnerConfig.defaults().toBuilder().batchSize(2).hidden(4).build();

    /** A mock context of stream task 0_{@code partition} at {@link #NOW} with the learner's three stores, empty. */
    static MockProcessorContext<byte[], byte[]> context(int partition) {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>(new Properties(), new TaskId(0, partition),
                null);
        context.setCurrentSystemTimeMs(NOW);
        for (String name : new String[] {PolyheadTopology.TRUNK_STORE, PolyheadTopology.HEAD_STORE,
                PolyheadTopology.PENDING_STORE}) {
            KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                    Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        return context;
    }

    private static LearnerProcessor replica(MockProcessorContext<byte[], byte[]> context, ReplicaGroup group, Pacer pacer) {
        LearnerProcessor p = new LearnerProcessor(CONFIG, StreamOptions.defaults(), new SimpleMeterRegistry(), group, null,
                new LearningWatch(group, 0), pacer);
        p.init(context);
        return p;
    }

    /** Two replicas of one instance: one group, one pacer, partitions 0 and 1. */
    private static final class Two {
        final ReplicaGroup group = new ReplicaGroup();
        final Pacer pacer = new Pacer("learn", group.name(), null);
        final MockProcessorContext<byte[], byte[]> a = context(0);
        final MockProcessorContext<byte[], byte[]> b = context(1);
        final LearnerProcessor ra = replica(a, group, pacer);
        final LearnerProcessor rb = replica(b, group, pacer);
    }

    private static void send(LearnerProcessor p, String task, long timestamp) {
        p.process(new Record<>(task.getBytes(StandardCharsets.UTF_8),
                ("{\"task\":\"" + task + "\",\"features\":[1,2],\"label\":1}").getBytes(StandardCharsets.UTF_8), timestamp));
    }

    private static int predictions(MockProcessorContext<byte[], byte[]> context) {
        int n = context.forwarded().size();
        context.resetForwards();
        return n;
    }

    private static void linger(MockProcessorContext<byte[], byte[]> context, long now) {
        context.setCurrentSystemTimeMs(now);
        context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                .forEach(p -> p.getPunctuator().punctuate(now));
    }

    @Test
    void aReplicaCatchingUpLearnsFullBatchesTheOtherHasReached() {
        Two r = new Two();
        long t = NOW - 60_000; // a backlog: records a minute old
        send(r.ra, "x", t + 10);
        send(r.ra, "x", t + 20);
        send(r.ra, "x", t + 30);
        assertEquals(0, predictions(r.a), "the other replica has seen nothing yet");
        send(r.rb, "y", t + 25);
        assertEquals(0, predictions(r.b), "its batch is not full");
        linger(r.a, NOW + 50);
        assertEquals(2, predictions(r.a), "the other reached t+25: a full batch of the events before it");
        linger(r.a, NOW + 500);
        assertEquals(0, predictions(r.a), "t+30 waits for the other, past the 20 ms linger");
        send(r.rb, "y", t + 40);
        assertEquals(0, predictions(r.b), "its t+40 waits for the other, which is at t+30");
        linger(r.a, NOW + 600);
        assertEquals(0, predictions(r.a), "nothing waits for the other now, but catching up a partial batch waits 1 s");
        linger(r.a, NOW + LearnerProcessor.BACKLOG_LINGER_MS + 1);
        assertEquals(1, predictions(r.a));
    }

    @Test
    void aReplicaCatchingUpWhoseValidateLaneIdlesStillFillsItsBatches() {
        Two r = new Two();
        long t = NOW - 60_000; // a backlog: records a minute old
        send(r.ra, "x", t + 10);
        send(r.ra, "x", t + 30);
        send(r.ra, "x", t + 40);
        // Its own validate lane idles (the stream thread is busy learning): it holds every event of its own.
        r.ra.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_0", Long.MAX_VALUE, true), t + 40));
        send(r.rb, "y", t + 20);
        linger(r.a, NOW + 50);
        linger(r.a, NOW + 500);
        assertEquals(0, predictions(r.a), "the other reached only t+20: the part of a batch before it waits, past the "
                + "live linger (it went alone when an idle validate lane counted as the end of the backlog)");
        send(r.rb, "y", t + 45);
        linger(r.a, NOW + 600);
        assertEquals(2, predictions(r.a), "the other is past t+30: a full batch");
        r.rb.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_1", Long.MAX_VALUE, true), t + 45));
        linger(r.a, NOW + 650);
        assertEquals(1, predictions(r.a), "every lane idle, nothing on the way: the rest goes after the live linger, "
                + "not " + LearnerProcessor.BACKLOG_LINGER_MS + " ms");
    }

    @Test
    void aReplicaRestoredAmidABacklogFillsItsBatchesBeforeItsFirstNewRecord() {
        StreamOptions one = StreamOptions.defaults().withPartitions(1);
        MockProcessorContext<byte[], byte[]> a = context(0);
        ReplicaGroup before = new ReplicaGroup();
        LearnerProcessor first = new LearnerProcessor(CONFIG, one, new SimpleMeterRegistry(), before, null,
                new LearningWatch(before, 0), new Pacer("learn", before.name(), null));
        first.init(a);
        long t = NOW - 60_000; // a backlog: records a minute old
        first.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_0", t + 5, true), t + 5));
        send(first, "x", t + 10);
        send(first, "x", t + 20);
        send(first, "x", t + 30);
        linger(a, NOW + 50);
        assertEquals(0, predictions(a), "its validate lane has handed on only t+5: the three wait");
        first.close();

        // Another process takes the task over (a rebalance mid-backlog): its lane's mark comes before any record.
        ReplicaGroup after = new ReplicaGroup();
        LearnerProcessor next = new LearnerProcessor(CONFIG, one, new SimpleMeterRegistry(), after, null,
                new LearningWatch(after, 0), new Pacer("learn", after.name(), null));
        next.init(a);
        next.process(new Record<>(ProgressMark.KEY, ProgressMark.encode("0_0", t + 40, true), t + 40));
        linger(a, NOW + 100);
        assertEquals(2, predictions(a), "a full batch of the three restored");
        linger(a, NOW + 500);
        assertEquals(0, predictions(a), "its waiting records are a minute old: catching up, the third waits for its "
                + "batch past the live linger (it went alone when a restored replica counted as live)");
        linger(a, NOW + 50 + LearnerProcessor.BACKLOG_LINGER_MS + 1);
        assertEquals(1, predictions(a), "a second after the restore (at NOW + 50), which is when they arrived here");
    }

    @Test
    void onALiveStreamTheLingerDecides() {
        Two r = new Two();
        send(r.rb, "y", NOW - 5);
        send(r.ra, "x", NOW - 2);
        linger(r.a, NOW + 10);
        assertEquals(0, predictions(r.a), "within the linger");
        linger(r.a, NOW + StreamOptions.defaults().linger().toMillis());
        assertEquals(0, predictions(r.a), "the other replica, live, has not reached it and has not idled");
        linger(r.a, NOW + Pacer.IDLE_MS + 1);
        assertEquals(1, predictions(r.a), "the other idled: the linger sends the partial batch");
    }

    @Test
    void aBatchTheWatermarkCutShortIsClaimedBeforeItGoes() {
        // Another instance that knows nothing of this one's lanes yet: no batch of this one's may go.
        Pacer here = new Pacer("learn", "a", null);
        Pacer other = new Pacer("learn", "b", null);
        other.join("1_1", NOW);
        other.saw("1_1", NOW + 5_000, NOW);
        other.next("1_1", NOW + 5_000);
        byte[][] report = other.report("1_1", NOW);
        here.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        here.join("0_9", NOW);
        here.saw("0_9", NOW - 80, NOW); // a lane of this instance behind: the watermark stops at NOW - 80
        ReplicaGroup group = new ReplicaGroup();
        MockProcessorContext<byte[], byte[]> a = context(0);
        LearnerProcessor ra = replica(a, group, here);
        send(ra, "x", NOW - 100);
        send(ra, "x", NOW - 70); // a full batch of two waits, but only NOW - 100 is reached: after the linger it
        send(ra, "x", NOW - 60); // would go alone
        linger(a, NOW + StreamOptions.defaults().linger().toMillis() + 1);
        assertEquals(0, predictions(a), "the batch the watermark allows is claimed and waits until b knows of it");
    }
    @Test
    void aReplicaExpectingMarksThatNeverComeGoesByItsRecordsOnceTheHoldForThemEnds() {
        // Two validate lanes expected, of a build before the marks: none ever comes.
        ReplicaGroup group = new ReplicaGroup();
        MockProcessorContext<byte[], byte[]> a = context(0);
        LearnerProcessor ra = new LearnerProcessor(CONFIG, StreamOptions.defaults().withPartitions(2),
                new SimpleMeterRegistry(), group, null, new LearningWatch(group, 0), new Pacer("learn", group.name(), null));
        ra.init(a);
        send(ra, "x", NOW - 60_000);
        linger(a, NOW + ProgressMark.Sources.UNHEARD_HOLD_MS / 2);
        assertEquals(0, predictions(a), "within the hold, the lanes not heard of may still mark: it waits");
        linger(a, NOW + ProgressMark.Sources.UNHEARD_HOLD_MS + 1);
        assertEquals(1, predictions(a), "after it, no mark holds the lane (not until " + Pacer.MAX_WAIT_MS + " ms overdue)");
    }
}
