package io.polyhead.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.TaskType;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.event.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared model's replicas without Kafka ({@link ReplicatedRun}), on the two streams of the
 * shared-model issue (20k events): four replicas in one instance learn as one learner does, and the
 * replicas' parts add up to the trunk.
 */
class SharedModelTest {
    static final int EVENTS = 20_000;

    static GeneratorOptions sinusoid() {
        return GeneratorOptions.defaults().withTasks(60).withNewTaskEvery(300, 5).withSeed(3);
    }

    static GeneratorOptions lowrankBinary() {
        return GeneratorOptions.defaults().withTasks(100).withKind(TaskType.BINARY).withSeed(5);
    }

    /** Second-half loss and the late tasks' mean first-10 loss. */
    record Figures(double secondHalf, double lateFirst10, double drift, double[] trunkRates) {
        Figures(double secondHalf, double lateFirst10, double drift) {
            this(secondHalf, lateFirst10, drift, new double[0]);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "second half %.4f, late first 10 %.4f, drift %.3f, trunk rates %s",
                    secondHalf, lateFirst10, drift, java.util.Arrays.toString(trunkRates));
        }
    }

    static Figures one(Generators.Name name, GeneratorOptions options, int skip) {
        PrequentialMetrics m = PrequentialRun.over(Generators.create(name, options), EVENTS, LearnerConfig.defaults()).metrics();
        return new Figures(m.secondHalfLoss(), m.meanEarlyLoss(10, skip), 0);
    }

    static Figures replicated(Generators.Name name, GeneratorOptions options, int skip, int replicas, int instances,
            int syncEvery) {
        ReplicatedRun run = ReplicatedRun.over(Generators.create(name, options), EVENTS, LearnerConfig.defaults(),
                replicas, instances, syncEvery);
        PrequentialMetrics m = run.metrics();
        return new Figures(m.secondHalfLoss(), m.meanEarlyLoss(10, skip), run.maxDrift(),
                run.learners().stream().mapToDouble(l -> l.trunkOptimizer().learningRate()).distinct().toArray());
    }

    @Test
    void oneReplicaIsOneLearner() {
        Figures one = one(Generators.Name.LOWRANK, lowrankBinary(), 50);
        Figures r = replicated(Generators.Name.LOWRANK, lowrankBinary(), 50, 1, 1, 256);
        assertEquals(one.secondHalf(), r.secondHalf(), 0);
        assertEquals(one.lateFirst10(), r.lateFirst10(), 0);
    }

    /**
     * One learner fed the events in the order {@code replicas} replicas learn them: each replica's events in
     * batches of the default size, a batch learned as soon as it fills (in the stream's order), the rest at
     * the end. The replicas' micro-batches without the replicas.
     */
    static Figures onePartitionBatched(Generators.Name name, GeneratorOptions options, int skip, int replicas) {
        ReplicatedRun partitioner = new ReplicatedRun(LearnerConfig.defaults(), replicas, 1, 256, new PrequentialMetrics(), null);
        int size = LearnerConfig.defaults().batchSize();
        List<List<Event>> pending = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            pending.add(new ArrayList<>());
        }
        PrequentialRun run = new PrequentialRun(new MultiTaskLearner(LearnerConfig.defaults()), new PrequentialMetrics(), null);
        var generator = Generators.create(name, options);
        for (int i = 0; i < EVENTS; i++) {
            Event e = generator.next();
            List<Event> batch = pending.get(partitioner.replicaOf(e.task()));
            batch.add(e);
            if (batch.size() == size) {
                batch.forEach(run::offer);
                batch.clear();
            }
        }
        pending.forEach(b -> b.forEach(run::offer));
        run.flush();
        PrequentialMetrics m = run.metrics();
        return new Figures(m.secondHalfLoss(), m.meanEarlyLoss(10, skip), 0);
    }

    /**
     * Four replicas in one instance learn as one learner does on the same micro-batches (each of one
     * partition's tasks), and on {@code lowrank} as one learner on the stream's own order. Measured (4
     * replicas / one learner on the replicas' batches / one learner on the stream): sinusoid second half
     * 0.0439 / 0.0439 / 0.0413, late tasks' first 10 0.770 / 0.770 / 0.739; lowrank binary second half
     * 0.343 / - / 0.344, first 10 0.690 / - / 0.690: within the shared-model issue's 10% of one learner on
     * the stream. Before the trunk rate's streak boost {@code sinusoid} was 0.0566 / 0.0561 / 0.0384
     * (1.47x), as one learner on those batches alone was (1.46x); why the boost narrowed the cost of the
     * partitions' batches (a trunk step from a quarter of the tasks at a time) is not measured.
     */
    @Test
    void fourReplicasInOneInstanceLearnAsOneLearner() {
        Figures sBatched = onePartitionBatched(Generators.Name.SINUSOID, sinusoid(), 5, 4);
        Figures s4 = replicated(Generators.Name.SINUSOID, sinusoid(), 5, 4, 1, 256);
        assertTrue(Math.abs(s4.secondHalf() / sBatched.secondHalf() - 1) <= 0.05, s4 + " vs one learner on the replicas' batches " + sBatched);
        assertTrue(Math.abs(s4.lateFirst10() / sBatched.lateFirst10() - 1) <= 0.05, s4 + " vs one learner on the replicas' batches " + sBatched);
        Figures sOne = one(Generators.Name.SINUSOID, sinusoid(), 5);
        assertTrue(s4.secondHalf() <= 1.10 * sOne.secondHalf(), s4 + " vs one learner " + sOne);
        assertTrue(s4.lateFirst10() <= 1.10 * sOne.lateFirst10(), s4 + " vs one learner " + sOne);
        Figures lOne = one(Generators.Name.LOWRANK, lowrankBinary(), 50);
        Figures l4 = replicated(Generators.Name.LOWRANK, lowrankBinary(), 50, 4, 1, 256);
        assertTrue(l4.secondHalf() <= 1.10 * lOne.secondHalf(), l4 + " vs one learner " + lOne);
        assertTrue(l4.lateFirst10() <= 1.10 * lOne.lateFirst10(), l4 + " vs one learner " + lOne);
        System.out.printf("sinusoid: 4 replicas %s, one learner on their batches %s, one learner %s; lowrank: 4 replicas %s, one learner %s%n",
                s4, sBatched, sOne, l4, lOne);
    }

    /**
     * Four replicas on two instances (a contribution after every batch, as the Kafka layer sends them, delivered
     * before the other instance's next batch) learn exactly as four in one instance do: each instance takes over the other's
     * optimiser state when it is newer ({@code ReplicaGroup#adoptNewer}). Before, each instance stepped the
     * trunk with an optimiser of its own: sinusoid second half 0.0616 against 0.0439 in one instance (1.40x),
     * lowrank 0.348 against 0.343. What lock-step spares the Kafka layer: the other instance's steps one batch
     * late give sinusoid 0.0821 (1.87x).
     */
    @Test
    void fourReplicasOnTwoInstancesLearnAsFourInOne() {
        Figures s1 = replicated(Generators.Name.SINUSOID, sinusoid(), 5, 4, 1, 1);
        Figures s2 = replicated(Generators.Name.SINUSOID, sinusoid(), 5, 4, 2, 1);
        assertEquals(s1.secondHalf(), s2.secondHalf(), 0, s2 + " vs one instance " + s1);
        assertEquals(s1.lateFirst10(), s2.lateFirst10(), 0, s2 + " vs one instance " + s1);
        ReplicatedRun late = new ReplicatedRun(LearnerConfig.defaults(), 4, 2, 1, new PrequentialMetrics(), null)
                .withLateness(1);
        io.polyhead.eval.gen.StreamGenerator g = Generators.create(Generators.Name.SINUSOID, sinusoid());
        for (int i = 0; i < EVENTS; i++) {
            late.offer(g.next());
        }
        late.flush();
        assertTrue(late.metrics().secondHalfLoss() > 1.3 * s1.secondHalf(),
                "one batch late: " + late.metrics().secondHalfLoss() + " vs on time " + s1);
        Figures l1 = replicated(Generators.Name.LOWRANK, lowrankBinary(), 50, 4, 1, 1);
        Figures l2 = replicated(Generators.Name.LOWRANK, lowrankBinary(), 50, 4, 2, 1);
        assertEquals(l1.secondHalf(), l2.secondHalf(), 0, l2 + " vs one instance " + l1);
        System.out.printf("two instances: sinusoid %s (one instance %s; one batch late %.4f), lowrank %s (one instance %s)%n",
                s2, s1, late.metrics().secondHalfLoss(), l2, l1);
    }

    /** Every replica's trunk is the initial trunk plus the sum of all replicas' own steps, once all absorbed. */
    @Test
    void partsAddUpToTheTrunk() {
        ReplicatedRun run = ReplicatedRun.over(Generators.create(Generators.Name.LOWRANK, lowrankBinary()), 3000,
                LearnerConfig.defaults(), 4, 2, 256);
        MultiTaskLearner a = run.learners().get(0);
        for (MultiTaskLearner l : run.learners()) {
            assertEquals(4, l.replicasAbsorbed() + 1);
            double[] p = l.trunk().params();
            double[] q = a.trunk().params();
            for (int i = 0; i < p.length; i++) {
                // float contributions: the replicas agree to float precision
                assertEquals(q[i], p[i], 1e-6 * Math.max(1, Math.abs(q[i])));
            }
        }
        long steps = 0;
        for (MultiTaskLearner l : run.learners()) {
            steps += l.modelVersion();
        }
        for (MultiTaskLearner l : run.learners()) {
            assertEquals(steps, l.version(), "every replica's version counts every replica's steps");
        }
    }

    /** A replica's state, restored from its trunk entry, keeps its own part apart from the others'. */
    @Test
    void restoredReplicaKeepsItsOwnPart() throws Exception {
        ReplicatedRun run = ReplicatedRun.over(Generators.create(Generators.Name.LOWRANK, lowrankBinary()), 3000,
                LearnerConfig.defaults(), 2, 1, 256);
        MultiTaskLearner a = run.learners().get(0);
        byte[] entry = io.polyhead.model.ModelCodec.encodeTrunk(a);
        MultiTaskLearner restored = new MultiTaskLearner(LearnerConfig.defaults(), new io.polyhead.model.ReplicaGroup());
        io.polyhead.model.ModelCodec.decodeTrunk(restored, entry);
        assertArrayEquals(a.contribution("x").trunkDelta(), restored.contribution("x").trunkDelta());
        assertEquals(a.version(), restored.version());
        // A learner that did not share: everything it learned is its own.
        MultiTaskLearner alone = PrequentialRun.over(Generators.create(Generators.Name.LOWRANK, lowrankBinary()), 2000,
                LearnerConfig.defaults()).learner();
        MultiTaskLearner joined = new MultiTaskLearner(LearnerConfig.defaults(), new io.polyhead.model.ReplicaGroup());
        io.polyhead.model.ModelCodec.decodeTrunk(joined, io.polyhead.model.ModelCodec.encodeTrunk(alone));
        float[] own = joined.contribution("x").trunkDelta();
        double[] initial = new io.polyhead.model.Trunk(alone.inputDim(), LearnerConfig.defaults().effectiveHidden(),
                LearnerConfig.defaults().dataType(), LearnerConfig.defaults().seed()).params();
        for (int i = 0; i < own.length; i++) {
            assertEquals(alone.trunk().params()[i] - initial[i], own[i], 1e-6);
        }
    }
}
