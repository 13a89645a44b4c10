package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.model.Contribution;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.model.ReplicaGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** A contribution goes to the sync topic in chunks and comes back whole, with its optimiser state. */
class SyncChunksTest {

    private static Contribution learnedContribution(ReplicaGroup group, int hidden) {
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(hidden, hidden).build(),
                group);
        StreamGenerator gen = Generators.create(Generators.Name.LOWRANK, GeneratorOptions.defaults().withTasks(5).withSeed(2));
        for (int b = 0; b < 3; b++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                Event e = gen.next();
                assertNull(learner.admit(e));
                batch.add(e);
            }
            learner.absorbIfChanged("1_0");
            learner.learn(batch);
        }
        return group.withOptimizerState(learner.publish("1_0"));
    }

    private static Contribution roundTrip(Contribution c) throws IOException {
        Map<String, byte[]> topic = new HashMap<>();
        for (KeyValue<byte[], byte[]> chunk : SyncChunks.split(c)) {
            topic.put(new String(chunk.key, StandardCharsets.UTF_8), chunk.value);
        }
        return SyncChunks.assemble(c.replica(), topic::get);
    }

    @Test
    void aContributionComesBackWholeWithItsOptimiserState() throws IOException {
        Contribution c = learnedContribution(new ReplicaGroup("instance-a"), 16);
        assertNotNull(c.optimizer(), "what is sent carries the optimiser state");
        Contribution back = roundTrip(c);
        assertEquals(c.replica(), back.replica());
        assertEquals(c.origin(), back.origin());
        assertEquals(c.steps(), back.steps());
        assertArrayEquals(c.trunkDelta(), back.trunkDelta());
        assertEquals(c.optimizer().version(), back.optimizer().version());
        assertArrayEquals(c.optimizer().bytes(), back.optimizer().bytes());
        assertEquals(c.heads().keySet(), back.heads().keySet());
    }

    @Test
    void aLargeTrunkAndItsStateSpanSeveralChunks() throws IOException {
        Contribution c = learnedContribution(new ReplicaGroup("instance-a"), 256);
        assertTrue(SyncChunks.split(c).size() > 1, "a 256-256 trunk's moments are more than one chunk");
        Contribution back = roundTrip(c);
        assertArrayEquals(c.trunkDelta(), back.trunkDelta());
        assertArrayEquals(c.optimizer().bytes(), back.optimizer().bytes());
    }

    @Test
    void aContributionOfTheFormatBeforeReadsWithoutState() throws IOException {
        ReplicaGroup group = new ReplicaGroup("instance-a");
        learnedContribution(group, 16);
        Contribution local = group.board().latest().iterator().next();
        byte[] now = io.polyhead.model.ModelCodec.encodeContribution(local);
        // Format 6 ended where format 7's "no optimiser state" byte begins.
        byte[] before = java.util.Arrays.copyOf(now, now.length - 1);
        java.nio.ByteBuffer.wrap(before).putInt(0, 6);
        Contribution back = io.polyhead.model.ModelCodec.decodeContribution(before);
        assertNull(back.optimizer());
        assertArrayEquals(local.trunkDelta(), back.trunkDelta());
        assertEquals(local.steps(), back.steps());
    }

    @Test
    void whatStaysInTheProcessCarriesNoState() throws IOException {
        ReplicaGroup group = new ReplicaGroup("instance-a");
        Contribution c = learnedContribution(group, 16);
        assertNotNull(c.optimizer());
        Contribution local = group.board().latest().iterator().next();
        assertNull(local.optimizer(), "the board's copy: the replicas of one process share the optimiser itself");
        assertNull(roundTrip(local).optimizer());
    }
}
