package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The validate stage's pacing, with two stream tasks (lanes) of one instance on mock contexts and real
 * in-memory stores: an event goes on once the other lane has reached its time or idles, in order, with
 * its origin; one held when the task closes is in the store and goes on from the next owner.
 */
class EventValidatorPacingTest {
    /** Wall clock; the records are stamped a minute before it, as in a backlog. */
    private static final long NOW = 10_000_000;

    private static MockProcessorContext<byte[], byte[]> lane(int partition, KeyValueStore<String, byte[]> held) {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>(new Properties(), new TaskId(0, partition),
                null);
        context.setCurrentSystemTimeMs(NOW);
        held.init(context.getStateStoreContext(), held);
        context.addStateStore(held);
        return context;
    }

    private static KeyValueStore<String, byte[]> heldStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PolyheadTopology.PACED_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
    }

    private static void send(EventValidator v, MockProcessorContext<byte[], byte[]> context, int partition, long offset,
            String task, long timestamp) {
        context.setRecordMetadata("polyhead.events", partition, offset);
        v.process(new Record<>(null, ("{\"task\":\"" + task + "\",\"features\":[1,2],\"label\":1}")
                .getBytes(StandardCharsets.UTF_8), timestamp));
    }

    /** An event with a timestamp of its own, {@code time}, in a record stamped {@code timestamp}. */
    private static void sendStamped(EventValidator v, MockProcessorContext<byte[], byte[]> context, int partition,
            long offset, String task, long time, long timestamp) {
        context.setRecordMetadata("polyhead.events", partition, offset);
        v.process(new Record<>(null, ("{\"task\":\"" + task + "\",\"features\":[1,2],\"label\":1,\"timestamp\":" + time
                + "}").getBytes(StandardCharsets.UTF_8), timestamp));
    }

    private static List<String> forwarded(MockProcessorContext<byte[], byte[]> context) {
        List<String> out = new ArrayList<>();
        for (var f : context.forwarded()) {
            var r = f.record();
            if (ProgressMark.is(r.key())) {
                continue; // the lanes' progress marks: ProgressMarkTest
            }
            String origin = new String(r.headers().lastHeader(DeadLetters.ORIGIN_HEADER).value(), StandardCharsets.UTF_8);
            out.add(new String(r.key(), StandardCharsets.UTF_8) + "@" + r.timestamp() + " " + origin + " " + f.childName().orElse(""));
        }
        context.resetForwards();
        return out;
    }

    private static void punctuate(MockProcessorContext<byte[], byte[]> context, long now) {
        context.setCurrentSystemTimeMs(now);
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(now));
    }

    /** Two validate lanes of one instance, sharing a pacer: lane 0's store is kept, to restart it on. */
    private static final class TwoLanes {
        final Pacer pacer = new Pacer("validate", "me", null);
        final KeyValueStore<String, byte[]> storeA = heldStore();
        final MockProcessorContext<byte[], byte[]> a = lane(0, storeA);
        final MockProcessorContext<byte[], byte[]> b = lane(1, heldStore());
        final EventValidator va = new EventValidator(StreamOptions.defaults().parser(), 0, new SimpleMeterRegistry(), pacer);
        final EventValidator vb = new EventValidator(StreamOptions.defaults().parser(), 0, new SimpleMeterRegistry(), pacer);

        TwoLanes() {
            va.init(a);
            vb.init(b);
        }
    }

    @Test
    void anEventGoesOnOnceTheOtherLaneHasReachedItsTimeInOrder() {
        TwoLanes lanes = new TwoLanes();
        KeyValueStore<String, byte[]> storeA = lanes.storeA;
        MockProcessorContext<byte[], byte[]> a = lanes.a, b = lanes.b;
        EventValidator va = lanes.va, vb = lanes.vb;
        long t = NOW - 60_000;
        send(va, a, 0, 0, "x", t + 10);
        send(va, a, 0, 1, "y", t + 30);
        assertEquals(List.of(), forwarded(a), "lane 1 has seen nothing yet");
        send(vb, b, 1, 0, "z", t + 20);
        assertEquals(List.of("z@" + (t + 20) + " polyhead.events:1:0 " + PolyheadTopology.BY_TASK_SINK), forwarded(b),
                "lane 0 is past it already");
        punctuate(a, NOW + 10);
        assertEquals(List.of("x@" + (t + 10) + " polyhead.events:0:0 " + PolyheadTopology.BY_TASK_SINK), forwarded(a),
                "lane 1 reached t+20: t+10 goes on, t+30 waits");
        assertEquals(1, storeA.approximateNumEntries(), "what waits is in the store");
        punctuate(a, NOW + Pacer.CATCHING_UP_IDLE_MS - 1);
        assertEquals(List.of(), forwarded(a));
        punctuate(a, NOW + Pacer.CATCHING_UP_IDLE_MS + 1);
        assertEquals(List.of("y@" + (t + 30) + " polyhead.events:0:1 " + PolyheadTopology.BY_TASK_SINK), forwarded(a),
                "lane 1 saw nothing for a second: it no longer holds lane 0 back");
        assertEquals(0, storeA.approximateNumEntries());
    }

    @Test
    void eventsProducedAtOnceGoOnInTheOrderOfTheirOwnTimestampsAlsoAfterARestart() {
        TwoLanes lanes = new TwoLanes();
        KeyValueStore<String, byte[]> storeA = lanes.storeA;
        MockProcessorContext<byte[], byte[]> a = lanes.a, b = lanes.b;
        EventValidator va = lanes.va, vb = lanes.vb;
        long sent = NOW - 60_000; // both records stamped in one millisecond: record time cannot tell them apart
        long t = NOW - 120_000;
        sendStamped(va, a, 0, 0, "x", t + 30, sent);
        sendStamped(vb, b, 1, 0, "z", t + 20, sent);
        assertEquals(List.of("z@" + sent + " polyhead.events:1:0 " + PolyheadTopology.BY_TASK_SINK), forwarded(b),
                "z happened first: on at once, its record's timestamp unchanged");
        punctuate(a, NOW + 10);
        assertEquals(List.of(), forwarded(a), "x happened after what lane 1 has read: it waits (by record time it would go)");

        va.close();
        MockProcessorContext<byte[], byte[]> again = lane(0, storeA);
        EventValidator next = new EventValidator(StreamOptions.defaults().parser(), 0, new SimpleMeterRegistry(), lanes.pacer);
        next.init(again);
        punctuate(again, NOW + 20);
        assertEquals(List.of(), forwarded(again), "restored, x keeps its own time");
        sendStamped(vb, b, 1, 1, "w", t + 40, sent);
        forwarded(b);
        punctuate(again, NOW + 30);
        assertEquals(List.of("x@" + sent + " polyhead.events:0:0 " + PolyheadTopology.BY_TASK_SINK), forwarded(again),
                "lane 1 is past it now");
    }

    @Test
    void anEventHeldWhenItsTaskClosesGoesOnFromTheNextOwner() {
        Pacer pacer = new Pacer("validate", "me", null);
        KeyValueStore<String, byte[]> store = heldStore();
        MockProcessorContext<byte[], byte[]> a = lane(0, store);
        EventValidator first = new EventValidator(StreamOptions.defaults().parser(), 0, new SimpleMeterRegistry(), pacer);
        first.init(a);
        Pacer otherInstance = new Pacer("validate", "me", null);
        otherInstance.join("0_1", NOW); // a second lane that holds everything back until it idles
        pacer.join("0_1", NOW);
        long t = NOW - 60_000;
        send(first, a, 0, 7, "x", t + 10);
        send(first, a, 0, 8, "y", t + 20);
        assertEquals(List.of(), forwarded(a));
        first.close();

        MockProcessorContext<byte[], byte[]> again = lane(0, store);
        EventValidator next = new EventValidator(StreamOptions.defaults().parser(), 0, new SimpleMeterRegistry(), pacer);
        next.init(again);
        pacer.leave("0_1");
        punctuate(again, NOW + 20);
        List<String> out = forwarded(again);
        assertEquals(List.of("x@" + (t + 10) + " polyhead.events:0:7 " + PolyheadTopology.BY_TASK_SINK,
                "y@" + (t + 20) + " polyhead.events:0:8 " + PolyheadTopology.BY_TASK_SINK), out);
        send(next, again, 0, 9, "z", t + 30);
        assertTrue(forwarded(again).get(0).startsWith("z@"), "numbering goes on after the restored ones");
        assertEquals(0, store.approximateNumEntries());
    }
}
