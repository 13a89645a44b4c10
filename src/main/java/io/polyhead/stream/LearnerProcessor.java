package io.polyhead.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import io.polyhead.event.InvalidEventException;
import io.polyhead.event.Rejection;
import io.polyhead.event.Prediction;
import io.polyhead.event.PredictionJson;
import io.polyhead.model.Contribution;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.model.ModelCodec;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.model.TaskState;
import io.polyhead.observe.LearningWatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The learner on Kafka: one {@link MultiTaskLearner} per stream task, driven in micro-batches exactly
 * as {@code polyhead evaluate} drives it, with its state kept so that whenever Kafka Streams commits —
 * and a commit can fall between any two records — the stores, the outputs and the input offsets agree:
 * <ul>
 *   <li>every event since the model was last written is in the {@code pending} store, holding the record's
 *       timestamp and original bytes: those learned since in slots, in the order learned, with a count and
 *       where each batch ended; those waiting for their batch under keys that sort as they will be learned,
 *       by event time and arrival ({@link #waitKey});</li>
 *   <li>at most every checkpoint interval ({@link StreamOptions#checkpointIntervalMs}, 5 s by default; and
 *       after {@value #MAX_UNWRITTEN_EVENTS} events) the
 *       trunk entry and the key entries touched since are written to the {@code trunk} and {@code heads}
 *       stores, and the pending slots start again from 0;</li>
 *   <li>a restore takes the model as last written, learns the events it missed again in their batches (their predictions
 *       went out before: they are not sent twice), and the events still waiting for their batch are
 *       learned when it fills, so every event is in the model once.</li>
 * </ul>
 * Writing the model at every batch instead made a 128-128 trunk (about 1.2 MB) the bulk of what the
 * application wrote: 278 MB of trunk changelog for 30,000 events (2.5 MB each) in a 20 s demo.
 * With {@code exactly_once_v2} the store changelogs, the predictions and the offsets commit in one
 * transaction, so a crash neither loses an event nor learns one twice. The stores are cached, so the
 * changelogs see at most one write per key per commit interval.
 *
 * <p>Rejections (a task's kind changed, a label out of range, too many live tasks, a wrong input
 * dimension) go to the dead-letter topic with the reason.
 */
final class LearnerProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LearnerProcessor.class);
    static final String TRUNK_KEY = "trunk";
    static final String COUNT_KEY = "count";
    /**
     * How many batches were learned since the model was last written; {@code batch-i} holds where the i-th of
     * them ended among the pending slots, so that a restore learns them again in the same batches: the same
     * number of trunk steps, so the model version (the steps) never goes back.
     */
    static final String BATCHES_KEY = "batches";

    private final LearnerConfig learnerConfig;
    private final StreamOptions options;
    private final LearningWatch watch;
    private final DeadLetters deadLetters;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> trunkStore;
    private KeyValueStore<String, byte[]> headStore;
    private KeyValueStore<String, byte[]> pendingStore;
    private MultiTaskLearner learner;
    private EventParser parser;
    private final List<Event> batch = new ArrayList<>();
    /**
     * The input records' timestamps, in the batch's order: a prediction carries its input record's timestamp
     * (as Kafka Streams would), not the event's own, which may be years old in a replay; retention and
     * segment rolling go by record timestamps, and outputs stamped a year back were deleted before they
     * were read.
     */
    private final List<Long> recordTimes = new ArrayList<>();
    /**
     * The waiting events' times ({@link Pacer#timeOf}: their own timestamp, else their record's), in the batch's
     * order, which is theirs: what the pacer and the turns go by.
     */
    private final List<Long> eventTimes = new ArrayList<>();
    private final List<Record<byte[], byte[]>> unrestorable = new ArrayList<>();
    /** The waiting events' keys in the pending store ({@link #waitKey}), in the batch's order. */
    private final List<String> waitKeys = new ArrayList<>();
    /** The arrival number the next waiting event's key takes. */
    private long nextSeq;
    private final List<Rejection> unrestorableReasons = new ArrayList<>();
    /** When each waiting event arrived (wall clock; a restore's time for those it restored), in the batch's order. */
    private final List<Long> arrivals = new ArrayList<>();
    /** Events learned since the model was last written to the stores: the first slots of the pending store. */
    private int learnedSlots;
    private int learnedBatches;
    /** Keys whose entries changed since the model was last written. */
    private final Set<String> touchedSinceCheckpoint = new LinkedHashSet<>();
    private long lastCheckpointMs;
    /** The replicas of this instance; this stream task is the replica named by its task id. */
    private final ReplicaGroup group;
    private String replica;
    /** Sends contributions to the other instances; null for an instance on its own (tests). */
    private final SyncSender sender;
    /** Lines this instance's replicas up by event time ({@link Pacer#timeOf}): an event is learned once every replica receiving is at its time. */
    private final Pacer pacer;
    /** Events learned since this replica's contribution last went to the sync topic, and when it went. */
    private long unsent;
    /** This replica's contribution as last published: what it sends. */
    private Contribution published;
    private long lastSentMs;
    /** Whether a batch was learned since the contribution last went out: progress reports wait for it ({@link #report}). */
    private boolean stepUnsent;
    /**
     * The end of the batch this replica is trying to learn, claimed before its turn ({@link Pacer#turn}), full or
     * partial; MAX_VALUE for none: its claim is then its next full batch's end.
     */
    private long attempt = Long.MAX_VALUE;
    /**
     * When this replica last learned a batch (or began): the bound on waiting for the others
     * ({@link Pacer#overdue}) counts from it or from the oldest event's arrival, whichever is later. From
     * arrival alone, a backlog longer than the bound (20k events at 500 a second on two instances) made every
     * event overdue for its last quarter, and the replicas stepped without turns: 14 to 26 of 628 steps taken
     * twice, at the end of {@code bench e2e --instances 2}.
     */
    private long lastStepMs;
    /** The validate lanes' progress marks this lane read: up to when it holds every event ({@link ProgressMark}). */
    private ProgressMark.Sources sources;
    /** Whether the pacer has this lane's time from the marks ({@link Pacer#reached}), not from its records. */
    private boolean byMarks;
    /**
     * The model is written after at most this many events too, whatever the interval: under a backlog 5 s can
     * be tens of thousands of events, each held in the pending store and learned again at a restore.
     */
    static final int MAX_UNWRITTEN_EVENTS = 10_000;
    /** A replica with unsent events sends at least this often, with or without other instances. */
    static final long SEND_AT_LEAST_EVERY_MS = 1000;
    /** Other instances count as running while their contributions arrived within this. */
    static final long OTHERS_RECENT_NANOS = 10_000_000_000L;
    /** How long the oldest event of a partial batch waits when its replica is catching up ({@link Pacer#catchingUp}). */
    static final long BACKLOG_LINGER_MS = 1_000;

    LearnerProcessor(LearnerConfig learnerConfig, StreamOptions options, MeterRegistry registry, ReplicaGroup group,
            SyncSender sender, LearningWatch watch, Pacer pacer) {
        this.pacer = pacer;
        this.learnerConfig = learnerConfig;
        this.options = options;
        this.watch = watch;
        this.group = group;
        this.sender = sender;
        this.deadLetters = new DeadLetters(registry, "learn");
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.trunkStore = context.getStateStore(PolyheadTopology.TRUNK_STORE);
        this.headStore = context.getStateStore(PolyheadTopology.HEAD_STORE);
        this.pendingStore = context.getStateStore(PolyheadTopology.PENDING_STORE);
        this.replica = context.taskId().toString();
        group.member(replica);
        pacer.join(replica, context.currentSystemTimeMs());
        lastStepMs = context.currentSystemTimeMs();
        restore();
        // After the restore, which may take a while: the hold for validate lanes not heard of counts from here.
        sources = new ProgressMark.Sources(options.partitions(), context.currentSystemTimeMs());
        byMarks = false;
        if (!eventTimes.isEmpty()) {
            // Whether it is catching up goes by its waiting records' age, as for records that arrive (else a replica
            // restored amid a backlog counted as live until its first new record, and its own lanes' marks, which
            // may come first, let the linger cut its batch short).
            pacer.arrived(replica, java.util.Collections.max(recordTimes), context.currentSystemTimeMs());
            saw(eventTimes.get(eventTimes.size() - 1), context.currentSystemTimeMs()); // the latest waiting
        }
        context.schedule(options.linger(), PunctuationType.WALL_CLOCK_TIME, this::lingerExpired);
        if (!options.taskTtl().isZero()) {
            Duration every = options.taskTtl().dividedBy(10).compareTo(Duration.ofMinutes(1)) < 0
                    ? options.taskTtl().dividedBy(10) : Duration.ofMinutes(1);
            context.schedule(every.isZero() ? Duration.ofMillis(1) : every, PunctuationType.STREAM_TIME,
                    this::evictIdleTasks);
        }
    }

    /** Rebuilds the learner from the stores: trunk, every key entry, then the events still waiting. */
    private void restore() {
        learner = new MultiTaskLearner(learnerConfig, group);
        learner.limitTasks(options.maxTasks());
        try {
            byte[] trunk = StoreChunks.get(trunkStore, TRUNK_KEY);
            if (trunk != null) {
                ModelCodec.decodeTrunk(learner, trunk);
            }
            try (KeyValueIterator<String, byte[]> it = headStore.all()) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    ModelCodec.decodeKey(learner, kv.key, kv.value);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot restore the model from its stores: " + e.getMessage()
                    + " (the state was likely written with other learner settings, such as --hidden: run with"
                    + " those, or start over with demo --fresh or a new --application-id)", e);
        }
        learner.rebuildPriors();
        parser = new EventParser(options.parser().withInputDim(learner.inputDim()));
        batch.clear();
        recordTimes.clear();
        eventTimes.clear();
        arrivals.clear();
        waitKeys.clear();
        nextSeq = 0;
        touchedSinceCheckpoint.clear();
        int pendingSlots = pendingCount();
        int learned = relearn(storedInt(BATCHES_KEY), pendingSlots);
        watch.restored(replica, learner);
        synchronized (group) {
            // The replicas of this instance see this one's restored part at once.
            published = learner.publish(replica);
        }
        unsent = 0;
        lastSentMs = context.currentSystemTimeMs();
        if (learner.inputDim() > 0) {
            // The restored replica's next generation (and what it learned again), stored at the next commit:
            // a second restore from the same state must not publish under the generation of the first.
            writeModel();
            sendContribution();
        }
        lastCheckpointMs = context.currentSystemTimeMs();
        learnedSlots = 0;
        learnedBatches = 0;
        restoreWaiting(learned, pendingSlots);
        if (pendingSlots > 0) {
            // What was learned again is in the model written above; nothing is learned since.
            pendingStore.put(COUNT_KEY, "0".getBytes(StandardCharsets.UTF_8));
            pendingStore.put(BATCHES_KEY, "0".getBytes(StandardCharsets.UTF_8));
        }
        group.noteWaiting(replica, batch.size());
        noteNextBatch();
        LOG.debug("task {} initialised: {} events waiting, {} tasks, model version {}", replica, batch.size(),
                learner.tasks().size(), learner.version());
    }

    /**
     * Learns again the {@code batches} batches learned before the model was last written, in the same batches;
     * their predictions were sent and committed, so nothing goes out now. An event the learner no longer admits
     * (its settings changed since) had its prediction and is left out. Returns the slots they took.
     */
    private int relearn(int batches, int pendingSlots) {
        int learned = 0;
        int events = 0;
        int skipped = 0;
        for (int b = 0; b < batches; b++) {
            int end = Math.min(storedInt(batchKey(b)), pendingSlots);
            List<Event> admitted = new ArrayList<>();
            skipped += readLearned(learned, end, admitted);
            learned = Math.max(learned, end);
            if (!admitted.isEmpty()) {
                synchronized (group) {
                    learner.absorbIfChanged(replica);
                    learner.learn(admitted);
                    published = learner.publish(replica);
                }
                touchedSinceCheckpoint.addAll(learner.lastTouched());
                events += admitted.size();
            }
        }
        if (batches > 0) {
            LOG.info("task {}: learned again the {} events ({} batches) learned since the model was last written{}",
                    replica, events, batches,
                    skipped == 0 ? "" : " (" + skipped + " no longer admitted by these settings left out)");
        }
        return learned;
    }

    /** Parses the learned events of slots {@code [from, to)} into {@code admitted}; returns how many were not. */
    private int readLearned(int from, int to, List<Event> admitted) {
        int skipped = 0;
        for (int i = from; i < to; i++) {
            Slot slot = slot(i);
            if (admit(slot) != null) {
                skipped++;
                continue;
            }
            if (parser.dimension() == 0) {
                parser.fixDimension(learner.inputDim());
            }
            admitted.add(slot.event);
        }
        return skipped;
    }

    /** A pending slot as stored: the record's timestamp and original bytes, and the event once admitted. */
    private static final class Slot {
        final byte[] stored;
        final long timestamp;
        final byte[] value;
        Event event;

        Slot(byte[] stored) {
            this.stored = stored;
            ByteBuffer entry = ByteBuffer.wrap(stored);
            this.timestamp = entry.getLong();
            this.value = new byte[entry.remaining()];
            entry.get(value);
        }
    }

    private Slot slot(int i) {
        return new Slot(pendingStore.get(slotKey(i)));
    }

    /** A slot's time ({@link Pacer#timeOf}): its event's own timestamp, else, or when it does not parse, its record's. */
    private long timeOf(Slot slot) {
        try {
            return Pacer.timeOf(parser.parse(slot.value, null), slot.timestamp);
        } catch (InvalidEventException e) {
            return slot.timestamp;
        }
    }

    /** Parses a stored event and asks the learner to admit it: null and {@code slot.event} set, or the reason not. */
    private Rejection admit(Slot slot) {
        try {
            Event event = withTimestamp(parser.parse(slot.value, null), slot.timestamp);
            Rejection reason = learner.admit(event);
            if (reason == null) {
                slot.event = event;
            }
            return reason;
        } catch (InvalidEventException e) {
            return e.rejection();
        }
    }

    /**
     * Takes back the events waiting for their batch, in the order of their keys ({@link #waitKey}); those the
     * learner no longer admits go to the dead letters. Slots after the {@code learned} ones up to
     * {@code pendingSlots} are events waiting as an earlier build kept them (after the learned slots, in order):
     * they take keys of their own.
     */
    private void restoreWaiting(int learned, int pendingSlots) {
        List<KeyValue<String, byte[]>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = pendingStore.range(WAIT_PREFIX, WAIT_PREFIX + ":")) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                waiting.add(kv);
                nextSeq = Math.max(nextSeq, Long.parseLong(kv.key.substring(kv.key.lastIndexOf('-') + 1)) + 1);
            }
        }
        for (int i = learned; i < pendingSlots; i++) {
            byte[] stored = pendingStore.get(slotKey(i));
            String key = waitKey(timeOf(new Slot(stored)), nextSeq++);
            pendingStore.put(key, stored);
            waiting.add(new KeyValue<>(key, stored));
        }
        waiting.sort((a, b) -> a.key.compareTo(b.key));
        long now = context.currentSystemTimeMs();
        for (KeyValue<String, byte[]> kv : waiting) {
            Slot slot = new Slot(kv.value);
            Rejection reason = admit(slot);
            if (reason == null) {
                batch.add(slot.event);
                recordTimes.add(slot.timestamp);
                eventTimes.add(timeOfKey(kv.key));
                arrivals.add(now);
                waitKeys.add(kv.key);
                continue;
            }
            // The configuration changed since the event was accepted (limits, input dimension, ...):
            // it goes to the dead letters at the first chance, instead of failing every restart.
            pendingStore.delete(kv.key);
            unrestorable.add(new Record<>(null, slot.value, slot.timestamp));
            unrestorableReasons.add(reason.withNote("(an event waiting for its batch when the application stopped)"));
        }
    }

    static final String WAIT_PREFIX = "wait-";

    /**
     * The pending store's key of a waiting event: its time ({@link Pacer#timeOf}), then its arrival among this
     * task's events, both zero-padded, so that the keys sort as the events are learned (neither an event's
     * timestamp nor a record's is ever negative). Events waiting as a build before event times kept them are
     * keyed by their record time.
     */
    static String waitKey(long time, long seq) {
        return WAIT_PREFIX + pad(Math.max(0, time)) + "-" + pad(seq);
    }

    /** The time a waiting event's key ({@link #waitKey}) sorts it by. */
    static long timeOfKey(String key) {
        return Long.parseLong(key.substring(WAIT_PREFIX.length(), key.lastIndexOf('-')));
    }

    private static String pad(long n) {
        String digits = Long.toString(n);
        return "0".repeat(19 - digits.length()) + digits;
    }

    /** Writes the trunk entry and the key entries touched since the last write. */
    private void writeModel() {
        byte[] trunkEntry;
        synchronized (group) {
            // The optimiser is the group's: another stream thread's replica may step it, or take another
            // instance's state into it, while this one writes it.
            trunkEntry = ModelCodec.encodeTrunk(learner);
        }
        StoreChunks.put(trunkStore, TRUNK_KEY, trunkEntry);
        for (String key : touchedSinceCheckpoint) {
            headStore.put(key, ModelCodec.encodeKey(learner, key));
        }
        touchedSinceCheckpoint.clear();
    }

    /**
     * Writes the model and frees the slots of the events it now holds (the waiting events keep their keys).
     */
    private void checkpoint() {
        writeModel();
        learnedSlots = 0;
        learnedBatches = 0;
        pendingStore.put(COUNT_KEY, "0".getBytes(StandardCharsets.UTF_8));
        pendingStore.put(BATCHES_KEY, "0".getBytes(StandardCharsets.UTF_8));
        lastCheckpointMs = context.currentSystemTimeMs();
    }

    /** Sends what the restore could not take back to the dead letters (a forward is not allowed in init). */
    private void sendUnrestorable() {
        for (int i = 0; i < unrestorable.size(); i++) {
            deadLetters.sendDetached(context, PolyheadTopology.DLQ_SINK, unrestorable.get(i), unrestorableReasons.get(i));
        }
        unrestorable.clear();
        unrestorableReasons.clear();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (!unrestorable.isEmpty()) {
            sendUnrestorable();
        }
        if (ProgressMark.is(record.key())) {
            ProgressMark.Mark mark = ProgressMark.decode(record.value());
            if (mark != null) {
                long now = context.currentSystemTimeMs();
                sources.mark(mark, now);
                saw(Long.MIN_VALUE, now);
                learnWhatIsDue(now);
            }
            return;
        }
        if (context.recordMetadata().map(m -> options.byTaskTopic().equals(m.topic())).orElse(false)) {
            sources.rekeyed(context.currentSystemTimeMs());
        }
        Event event = deadLetters.parseOrSend(parser, context, record);
        if (event == null) {
            return;
        }
        long time = Pacer.timeOf(event, record.timestamp());
        event = withTimestamp(event, record.timestamp());
        Rejection reason = learner.admit(event);
        if (reason != null) {
            deadLetters.send(context, PolyheadTopology.DLQ_SINK, record, reason);
            return;
        }
        if (parser.dimension() == 0) {
            parser.fixDimension(learner.inputDim());
        }
        // The record's own bytes and timestamp: no re-serialisation, and exactly what arrived.
        byte[] value = record.value();
        long now = context.currentSystemTimeMs();
        addWaiting(event, time, record.timestamp(), ByteBuffer.allocate(Long.BYTES + value.length)
                .putLong(record.timestamp()).put(value).array(), now);
        pacer.arrived(replica, record.timestamp(), now);
        saw(time, now);
        learnWhatIsDue(now);
        group.noteWaiting(replica, batch.size());
    }

    /**
     * Tells the pacer how far this lane is: up to when it holds every event, once the validate lanes' marks are
     * heard ({@link ProgressMark.Sources#upTo}); before that (or without marks), the latest event time it saw
     * ({@code timestamp}; {@link Long#MIN_VALUE} for none).
     */
    private void saw(long timestamp, long now) {
        long upTo = sources.upTo(now);
        if (upTo != ProgressMark.Sources.NONE) {
            pacer.reached(replica, upTo, now);
            byMarks = true;
            return;
        }
        if (byMarks) {
            // No marks after all (validate lanes of a build before them), or they stopped counting: the lane
            // goes by its records again, and idles like any other instead of holding the others at its last mark.
            pacer.unmarked(replica);
            byMarks = false;
        }
        if (timestamp != Long.MIN_VALUE) {
            pacer.saw(replica, timestamp, now);
        }
    }

    /**
     * Puts an event among the waiting ones in the order of event time ({@link Pacer#timeOf}) (after those of the same time), in
     * memory and in the pending store, under a key that sorts so ({@link #waitKey}): a batch is always the
     * first waiting events, and a restore finds them as they were.
     *
     * <p>Why: each by-task partition merges what the validate lanes hand on, so a task's events, produced
     * without keys and re-keyed by four lanes, reach its partition out of record-time order, and were learned
     * and numbered ({@code taskEvents}) so. An earlier build moved an event back past at most 256 waiting ones
     * (each move a slot rewritten); under a backlog a lane holds thousands, and on {@code bench e2e
     * --instances 2} ({@code sinusoid}, events stamped as sent) the events of the other instance's validate
     * lanes went in hundreds behind later ones, and were learned in runs of batches thousands of stream events
     * late (the worst 10,590 behind an earlier batch; 1.9x to 3.0x {@code evaluate}'s second-half loss, the
     * replicas 0.08 apart). In full order: the worst 335 behind, 1.25x, 0.027 apart.
     */
    private void addWaiting(Event event, long time, long recordTimestamp, byte[] entry, long now) {
        int lo = 0;
        int hi = batch.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (eventTimes.get(mid) <= time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int k = lo;
        String key = waitKey(time, nextSeq++);
        pendingStore.put(key, entry);
        // It takes the arrival of the event it goes before: the first waiting event stays the one waiting longest.
        long arrival = k < arrivals.size() ? arrivals.get(k) : now;
        batch.add(k, event);
        recordTimes.add(k, recordTimestamp);
        eventTimes.add(k, time);
        arrivals.add(k, arrival);
        waitKeys.add(k, key);
    }

    /**
     * Learns the waiting events, oldest first, in batches: a full batch of events the other replicas of the
     * instance have reached in event time ({@link Pacer}); after the linger, the part of a batch they have
     * reached; once {@link Pacer#overdue}, whatever waits. Short of overdue, a batch also waits for its turn
     * ({@link Pacer#turn}): until no other replica, here or on another instance, has a full batch ending
     * earlier.
     * Under a backlog the stream tasks read equal numbers of records, but their partitions hold unequal shares of
     * the stream (20% and 30% with 60 tasks on 4 partitions), so without this one replica ran thousands of
     * events ahead of another in the stream (median 6,000 of 20,000 on {@code bench e2e --instances 1}).
     */
    private void learnWhatIsDue(long now) {
        noteNextBatch();
        report(now);
        long mark = pacer.watermark(now);
        while (!batch.isEmpty()) {
            long waited = now - arrivals.get(0);
            boolean overdue = Pacer.overdue(Math.max(arrivals.get(0), lastStepMs), now, batch.size());
            int ready = 0;
            while (ready < batch.size() && ready < learnerConfig.batchSize() && (overdue || eventTimes.get(ready) <= mark)) {
                ready++;
            }
            // The linger bounds the latency of a live stream. A replica catching up on a backlog fills its batches
            // first, as evaluate does: a partial one goes when nothing of its waits for the other replicas and
            // the oldest has waited BACKLOG_LINGER_MS (with "waited that long" alone, a replica ahead of the
            // others learned its few events the watermark had passed every second: 40% of the batches partial).
            // Every lane idle (the watermark at its end): nothing is on the way, the end of a backlog goes as live.
            boolean lingered = waited >= options.linger().toMillis() && (!pacer.catchingUp(replica)
                    || (ready == batch.size() && (mark == Long.MAX_VALUE || waited >= BACKLOG_LINGER_MS)));
            if (ready == 0 || (ready < learnerConfig.batchSize() && !lingered && !overdue)) {
                return;
            }
            long end = latestOf(ready);
            if (attempt != end) {
                // The batch about to go is claimed first (a partial one too, or one the watermark cut short of a
                // full one waiting), so that other instances hold theirs.
                attempt = end;
                noteNextBatch();
                report(now);
            }
            if (!overdue && !pacer.turn(replica, end, now)) {
                return;
            }
            attempt = Long.MAX_VALUE;
            lastStepMs = now;
            pacer.stepped(replica);
            learnBatch(ready);
            // After the contribution (learnBatch sent it): others waiting for this batch may go on.
            noteNextBatch();
            report(now);
        }
    }

    /**
     * Reports this replica's progress to the other instances ({@link Pacer#sendReport}), unless a step of its
     * has not gone out yet (its contribution held back by {@code --sync-interval}, or while no other instance
     * was heard of): a report must never say a batch is past before the step is on the sync topic, or another
     * instance would take its turn on a trunk that misses it. The report goes with the contribution then.
     */
    private void report(long now) {
        if (!stepUnsent) {
            pacer.sendReport(replica, now);
        }
    }

    /** Tells the pacer when this replica's next full batch ends ({@link Pacer#turn}). */
    private void noteNextBatch() {
        int size = learnerConfig.batchSize();
        long natural = batch.size() >= size ? latestOf(size) : Long.MAX_VALUE;
        pacer.next(replica, attempt != Long.MAX_VALUE ? attempt : natural, !stepUnsent);
    }

    /** When a batch of the first {@code n} waiting events ends: the last one's time, as they wait in event-time order. */
    private long latestOf(int n) {
        return eventTimes.get(n - 1);
    }

    private void lingerExpired(long now) {
        if (!unrestorable.isEmpty()) {
            sendUnrestorable();
        }
        if (sources.heard() || byMarks) {
            // Marks go stale, and the hold for validate lanes not heard of ends, with time alone.
            saw(Long.MIN_VALUE, now);
            report(now);
        }
        if (!batch.isEmpty()) {
            learnWhatIsDue(now);
        }
        if (unsent > 0 && now - lastSentMs >= SEND_AT_LEAST_EVERY_MS) {
            sendContribution();
        }
        if (learnedSlots > 0 && now - lastCheckpointMs >= options.checkpointIntervalMs()) {
            checkpoint();
        }
    }

    /** Learns the first {@code n} waiting events as one batch and sends their predictions. */
    private void learnBatch(int n) {
        long t0 = System.nanoTime();
        List<Prediction> out;
        List<Event> learning = new ArrayList<>(batch.subList(0, n));
        synchronized (group) {
            // One model within the instance: the other replicas' latest steps first, this one's after.
            learner.absorbIfChanged(replica);
            out = learner.learn(learning);
            published = learner.publish(replica);
            group.noteDrift(learner.replicaDrift());
        }
        unsent += out.size();
        if (LOG.isDebugEnabled()) {
            LOG.debug("task {} learned {} events, {} to {}", replica, out.size(), learning.get(0).id(),
                    learning.get(n - 1).id());
        }
        for (int i = 0; i < out.size(); i++) {
            Prediction p = out.get(i);
            context.forward(new Record<>(p.task().getBytes(StandardCharsets.UTF_8), PredictionJson.write(p),
                    recordTimes.get(i)), PolyheadTopology.PREDICTIONS_SINK);
        }
        touchedSinceCheckpoint.addAll(learner.lastTouched());
        for (int i = 0; i < n; i++) {
            // Learned: from its waiting key to the next learned slot.
            pendingStore.put(slotKey(learnedSlots + i), pendingStore.get(waitKeys.get(i)));
            pendingStore.delete(waitKeys.get(i));
        }
        learnedSlots += n;
        pendingStore.put(COUNT_KEY, Integer.toString(learnedSlots).getBytes(StandardCharsets.UTF_8));
        pendingStore.put(batchKey(learnedBatches), Integer.toString(learnedSlots).getBytes(StandardCharsets.UTF_8));
        learnedBatches++;
        watch.batch(replica, learning, out, learner, System.nanoTime() - t0);
        batch.subList(0, n).clear();
        recordTimes.subList(0, n).clear();
        eventTimes.subList(0, n).clear();
        arrivals.subList(0, n).clear();
        waitKeys.subList(0, n).clear();
        group.noteWaiting(replica, batch.size());
        long now = context.currentSystemTimeMs();
        if (now - lastCheckpointMs >= options.checkpointIntervalMs() || learnedSlots >= MAX_UNWRITTEN_EVENTS) {
            checkpoint();
        } else {
            pendingStore.put(BATCHES_KEY, Integer.toString(learnedBatches).getBytes(StandardCharsets.UTF_8));
        }
        boolean others = group.board().othersWithin(OTHERS_RECENT_NANOS) || pacer.othersReporting(now);
        stepUnsent = true;
        if (now - lastSentMs >= (others ? options.syncIntervalMs() : SEND_AT_LEAST_EVERY_MS)) {
            sendContribution();
        }
    }

    /**
     * Sends this replica's contribution as last published, with the instance's optimiser state, to the other
     * instances ({@link SyncSender}).
     */
    private void sendContribution() {
        unsent = 0;
        lastSentMs = context.currentSystemTimeMs();
        if (sender != null && published != null) {
            // With the instance's optimiser state as it is now: what another instance steps on from.
            sender.send(group.withOptimizerState(published));
        }
        if (stepUnsent) {
            stepUnsent = false;
            noteNextBatch();
            pacer.sendReport(replica, lastSentMs);
        }
    }

    /**
     * Evicts tasks whose last event is older than the TTL, in event time: the clock is the latest event
     * timestamp this learner has seen, the same clock as the tasks' last-seen times (record timestamps,
     * the stream time, may run on another clock entirely).
     */
    private void evictIdleTasks(long streamTime) {
        long eventTime = 0;
        for (TaskState t : learner.tasks().values()) {
            eventTime = Math.max(eventTime, t.lastSeen());
        }
        long cutoff = eventTime - options.taskTtl().toMillis();
        List<String> idle = new ArrayList<>();
        for (Map.Entry<String, TaskState> e : learner.tasks().entrySet()) {
            if (e.getValue().lastSeen() < cutoff && e.getValue().events() > 0) {
                idle.add(e.getKey());
            }
        }
        for (Event waiting : batch) {
            idle.remove(waiting.task());
        }
        if (!idle.isEmpty() && learnedSlots > 0) {
            checkpoint(); // the written model, and what a restore learns again on top of it, never holds them
        }
        for (String task : idle) {
            learner.forget(task);
            headStore.delete(task);
            watch.evicted(task);
        }
    }

    /** The contract: an event without a timestamp takes its record's. */
    private static Event withTimestamp(Event event, long recordTimestamp) {
        return event.timestamp() != null ? event : event.withTimestamp(recordTimestamp);
    }

    private int pendingCount() {
        return storedInt(COUNT_KEY);
    }

    private int storedInt(String key) {
        byte[] count = pendingStore.get(key);
        return count == null ? 0 : Integer.parseInt(new String(count, StandardCharsets.UTF_8));
    }

    private static String slotKey(int slot) {
        return "slot-" + slot;
    }

    private static String batchKey(int batch) {
        return "batch-" + batch;
    }

    @Override
    public void close() {
        // Waiting events stay in the pending store; the next owner of this task learns them.
        LOG.debug("task {} closed: {} events waiting", replica, batch.size());
        pacer.leave(replica);
        if (!stepUnsent) {
            pacer.sendLeft(replica); // not ahead of a step that was not sent: the others count the lane out later
        }
        group.left(replica);
        group.noteWaiting(replica, 0);
        watch.replicaClosed(replica);
    }
}
