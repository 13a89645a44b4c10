package io.polyhead.eval;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.event.Rejection;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.model.Contribution;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.eval.gen.StreamGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The shared model as Kafka runs it, without Kafka and deterministically: {@code replicas} learners (the
 * partitions' stream tasks) spread over {@code instances} processes, each taking the events of the tasks a
 * partitioner gives it in micro-batches of its own. Within an instance the replicas form one
 * {@link ReplicaGroup}: each absorbs the others' contributions before every batch and publishes its own
 * after it. Between instances a replica's contribution travels every {@code syncEvery} of its events (the
 * sync topic), with no further delay. With one replica it is {@link PrequentialRun}.
 */
public final class ReplicatedRun implements EventDriver {
    private final MultiTaskLearner[] learners;
    private final List<List<Event>> batches = new ArrayList<>();
    private final long[] sinceSync;
    private final ReplicaGroup[] groups;
    private final PrequentialMetrics metrics;
    private final Consumer<Prediction> sink;
    private final int batchSize;
    private final int syncEvery;
    private final java.util.function.ToIntFunction<String> partitioner;
    /** Contributions on their way to other instances: delivered once this many more batches were learned anywhere. */
    private int lateBatches;
    private long batchesLearned;
    private final java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();

    /** A contribution on its way to instance {@code group}, delivered before the batch after {@code due}. */
    private record InFlight(long due, int group, Contribution contribution) {
    }

    /**
     * @param replicas  learners, at least 1
     * @param syncEvery events a replica learns between two contributions, at least 1
     * @param sink      receives every prediction (per task in order). May be null.
     */
    public ReplicatedRun(LearnerConfig config, int replicas, int instances, int syncEvery, PrequentialMetrics metrics,
            Consumer<Prediction> sink) {
        this(config, replicas, instances, syncEvery, null, metrics, sink);
    }

    /**
     * As above, with each task's replica chosen by {@code partitioner} (say the partitions a Kafka run gave
     * the tasks) instead of {@link #replicaOf}'s hash; it must return 0 to {@code replicas - 1}.
     */
    public ReplicatedRun(LearnerConfig config, int replicas, int instances, int syncEvery,
            java.util.function.ToIntFunction<String> partitioner, PrequentialMetrics metrics, Consumer<Prediction> sink) {
        this.partitioner = partitioner;
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1. Got: " + replicas);
        }
        if (instances < 1 || instances > replicas) {
            throw new IllegalArgumentException("instances must be 1 to the replicas (" + replicas + "). Got: " + instances);
        }
        this.groups = new ReplicaGroup[instances];
        for (int i = 0; i < instances; i++) {
            groups[i] = new ReplicaGroup();
        }
        if (syncEvery < 1) {
            throw new IllegalArgumentException("sync interval must be at least 1 event. Got: " + syncEvery);
        }
        this.learners = new MultiTaskLearner[replicas];
        this.sinceSync = new long[replicas];
        for (int r = 0; r < replicas; r++) {
            learners[r] = new MultiTaskLearner(config, groups[r % instances]);
            batches.add(new ArrayList<>());
        }
        this.metrics = metrics;
        this.sink = sink;
        this.batchSize = config.batchSize();
        this.syncEvery = syncEvery;
    }

    /**
     * Delivers contributions to other instances only after {@code batches} more batches were learned (by any
     * replica), as the sync topic does under load; 0, the default, delivers them at once.
     */
    public ReplicatedRun withLateness(int batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("lateness must not be negative. Got: " + batches);
        }
        this.lateBatches = batches;
        return this;
    }

    /** The replica of a task: its hash modulo the replicas (Kafka's partitioner differs; any fixed one does). */
    public int replicaOf(String task) {
        return partitioner != null ? partitioner.applyAsInt(task) : Math.floorMod(task.hashCode(), learners.length);
    }

    /**
     * Learns {@code events} on replica {@code r} as one batch, whatever the batch size (a batch replayed as
     * a Kafka run learned it); events it does not admit are counted as rejected. What {@link #offer} has
     * waiting for that replica is learned first.
     */
    public void learnAsOneBatch(int r, List<Event> events) {
        if (!batches.get(r).isEmpty()) {
            learn(r);
        }
        for (Event e : events) {
            admitTo(r, e);
        }
        if (!batches.get(r).isEmpty()) {
            learn(r);
        }
    }

    /** Admits an event to replica {@code r}'s batch, or counts its rejection; returns whether it was admitted. */
    private boolean admitTo(int r, Event event) {
        Rejection rejection = learners[r].admit(event);
        if (rejection != null) {
            metrics.reject(rejection);
            return false;
        }
        batches.get(r).add(event);
        return true;
    }

    /** Offers one parsed event to its task's replica: admitted and batched, or rejected with its reason. */
    @Override
    public void offer(Event event) {
        int r = replicaOf(event.task());
        if (admitTo(r, event) && batches.get(r).size() >= batchSize) {
            learn(r);
        }
    }

    /** Counts an input that could not even be parsed. */
    @Override
    public void reject(Rejection rejection) {
        metrics.reject(rejection);
    }

    /** Delivers what is in flight, learns whatever every replica has waiting, then brings them all up to date. */
    @Override
    public void flush() {
        deliver(Long.MAX_VALUE);
        for (int r = 0; r < learners.length; r++) {
            if (!batches.get(r).isEmpty()) {
                learn(r);
            }
        }
        for (int r = 0; r < learners.length; r++) {
            publish(r);
        }
        deliver(Long.MAX_VALUE);
        for (int r = 0; r < learners.length; r++) {
            learners[r].absorbIfChanged(name(r));
        }
    }

    private void learn(int r) {
        batchesLearned++;
        deliver(batchesLearned - 1);
        MultiTaskLearner learner = learners[r];
        learner.absorbIfChanged(name(r));
        List<Event> batch = batches.get(r);
        for (Prediction p : learner.learn(batch)) {
            metrics.update(p);
            if (sink != null) {
                sink.accept(p);
            }
        }
        sinceSync[r] += batch.size();
        batch.clear();
        Contribution c = learner.publish(name(r));
        if (sinceSync[r] >= syncEvery) {
            send(r, c);
        }
    }

    private void publish(int r) {
        send(r, learners[r].publish(name(r)));
    }

    /** Sends a replica's contribution to the other instances, with its instance's optimiser state. */
    private void send(int r, Contribution published) {
        sinceSync[r] = 0;
        if (published == null || groups.length == 1) {
            return;
        }
        Contribution c = groups[r % groups.length].withOptimizerState(published);
        for (int g = 0; g < groups.length; g++) {
            if (g != r % groups.length) {
                if (lateBatches == 0) {
                    groups[g].board().offerRemote(c);
                } else {
                    inFlight.addLast(new InFlight(batchesLearned + lateBatches, g, c));
                }
            }
        }
    }

    /** Delivers the contributions in flight that are due at or before {@code batch}. */
    private void deliver(long batch) {
        while (!inFlight.isEmpty() && inFlight.peekFirst().due() <= batch) {
            InFlight next = inFlight.pollFirst();
            groups[next.group()].board().offerRemote(next.contribution());
        }
    }

    private static String name(int r) {
        return "replica-" + r;
    }

    /** Runs fresh replicas of {@code config} over {@code events} events of {@code generator}. */
    public static ReplicatedRun over(StreamGenerator generator, long events, LearnerConfig config, int replicas,
            int instances, int syncEvery) {
        ReplicatedRun run = new ReplicatedRun(config, replicas, instances, syncEvery, new PrequentialMetrics(), null);
        for (long i = 0; i < events; i++) {
            run.offer(generator.next());
        }
        run.flush();
        return run;
    }

    @Override
    public PrequentialMetrics metrics() {
        return metrics;
    }

    /** The replicas' learners. */
    public List<MultiTaskLearner> learners() {
        return List.of(learners);
    }

    /** The largest drift of a replica from the shared trunk seen at a sync ({@link MultiTaskLearner#replicaDrift}). */
    public double maxDrift() {
        double d = 0;
        for (MultiTaskLearner l : learners) {
            d = Math.max(d, l.replicaDrift());
        }
        return d;
    }
}
